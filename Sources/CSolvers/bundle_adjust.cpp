// Bundle adjustment: Levenberg–Marquardt on the robust reprojection cost with the points
// eliminated by the Schur complement. Camera-side parameters (6 per moving pose, then the free
// intrinsics) form one dense reduced system; each point is a 3 × 3 block. The per-point work
// runs in chunks (see ba_internal.hpp); this file lays out the problem, combines the chunks in
// order and solves.
#include "ba_internal.hpp"

#include <algorithm>

using namespace v2w::ba;

namespace {

Layout make_layout(const v2w_ba_problem &p) {
    Layout l;
    l.block.assign(p.camera_count, -1);
    for (int c = 0; c < p.camera_count; ++c) {
        const uint8_t fixed = p.pose_fixed ? p.pose_fixed[c] : 0;
        if ((fixed & 63) == 63) continue;
        l.block[c] = l.blocks();
        l.cameras.push_back(c);
    }
    for (int k = 0; k < 5; ++k) {
        l.intrinsic[k] = (p.intrinsics_free & (1 << k)) ? l.ni : -1;
        if (l.intrinsic[k] >= 0) l.intrinsic_param[l.ni++] = k;
    }
    return l;
}

// Chunks: about 4000 observations each, at most 4, and at most what keeps their accumulators
// within 64 MB. Fixed by the problem, never by the thread count.
int chunk_count(int observations, const Layout &layout) {
    const double per_chunk = double(SchurSums::bytes(layout));
    const int by_memory = int(std::max(1.0, 64.0 * (1 << 20) / std::max(per_chunk, 1.0)));
    return std::clamp(std::min(observations / 4000, by_memory), 1, 4);
}

PointIndex make_index(const v2w_ba_problem &p, int chunks) {
    const int np = p.point_count, no = p.observation_count;
    PointIndex index;
    index.start.assign(size_t(np) + 1, 0);
    index.by_point.resize(no);
    for (int o = 0; o < no; ++o) index.start[p.observation_point[o] + 1]++;
    for (int j = 0; j < np; ++j) {
        index.longest = std::max(index.longest, index.start[j + 1]);
        index.start[j + 1] += index.start[j];
    }
    std::vector<int> fill(index.start.begin(), index.start.end() - 1);
    for (int o = 0; o < no; ++o) index.by_point[fill[p.observation_point[o]]++] = o;
    // Chunk boundaries split the observations (the work) evenly.
    index.chunk.assign(size_t(chunks) + 1, np);
    index.chunk[0] = 0;
    for (int k = 1; k < chunks; ++k) {
        const long target = long(no) * k / chunks;
        const int j = int(std::lower_bound(index.start.begin(), index.start.end(), target) - index.start.begin());
        index.chunk[k] = std::clamp(j, index.chunk[k - 1], np);
    }
    return index;
}

bool finite(const double *v, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i])) return false;
    return true;
}

double total_cost(const v2w_ba_problem &p, const Loss &loss, const PointIndex &index, State &state) {
    state.update_rotations(p.camera_count);
    std::vector<double> parts(index.chunks());
    auto body = [&](int k) { parts[k] = chunk_cost(p, loss, index, state, k); };
    for_each_chunk(p, index.chunks(), body);
    double cost = 0;
    for (double part : parts) cost += part;
    return cost;
}

}  // namespace

extern "C" int32_t v2w_bundle_adjust(const v2w_ba_problem *problem, v2w_ba_summary *summary) {
    const v2w_ba_problem &p = *problem;
    *summary = v2w_ba_summary{0, 0, 0, 0, 0};
    if (p.loss < V2W_LOSS_SQUARED || p.loss > V2W_LOSS_CAUCHY || !(p.loss_scale > 0)) return summary->status = -3;
    const int nc = p.camera_count, np = p.point_count, no = p.observation_count;
    if (nc < 0 || np < 0 || no < 0) return summary->status = -1;
    for (int o = 0; o < no; ++o)
        if (p.observation_camera[o] < 0 || p.observation_camera[o] >= nc || p.observation_point[o] < 0 ||
            p.observation_point[o] >= np)
            return summary->status = -1;
    if (!finite(p.poses, size_t(6) * nc) || !finite(p.points, size_t(3) * np) || !finite(p.intrinsics, 5) ||
        !finite(p.observations, size_t(2) * no))
        return summary->status = -2;

    const Loss loss{p.loss, p.loss_scale * p.loss_scale};
    const Layout layout = make_layout(p);
    const int n = layout.size(), nb = layout.blocks(), ni = layout.ni;
    const PointIndex index = make_index(p, chunk_count(no, layout));
    const int chunks = index.chunks();

    Linearization lin;
    lin.w.resize(size_t(18) * no);
    lin.valid.resize(no);
    lin.v.resize(size_t(9) * np);
    lin.gp.resize(size_t(3) * np);
    lin.wi.resize(size_t(15) * np);
    std::vector<CameraSums> sums(chunks);
    std::vector<SchurSums> schur(chunks);
    std::vector<uint8_t> chunk_ok(chunks);
    std::vector<double> inverse_factor(size_t(6) * np);

    State state;
    state.poses.assign(p.poses, p.poses + 6 * size_t(nc));
    state.points.assign(p.points, p.points + 3 * size_t(np));
    for (int k = 0; k < 5; ++k) state.intrinsics[k] = p.intrinsics[k];
    double cost = total_cost(p, loss, index, state);
    summary->initial_cost = cost;
    double lambda = 1e-4, nu = 2;
    bool relinearize = true;

    for (int iteration = 0; iteration < p.max_iterations; ++iteration) {
        summary->iterations = iteration + 1;
        if (relinearize) {
            auto body = [&](int k) { linearize_chunk(p, loss, layout, index, state, k, lin, sums[k]); };
            for_each_chunk(p, chunks, body);
            lin.cameras = sums[0];
            for (int k = 1; k < chunks; ++k) lin.cameras.add(sums[k]);
            relinearize = false;
        }

        // Points' share of the damped reduced camera system S δc = rhs.
        auto body = [&](int k) {
            chunk_ok[k] = schur_chunk(p, layout, index, lin, lambda, k, schur[k], inverse_factor.data());
        };
        for_each_chunk(p, chunks, body);
        bool ok = std::all_of(chunk_ok.begin(), chunk_ok.end(), [](uint8_t v) { return v != 0; });

        Eigen::VectorXd dc = Eigen::VectorXd::Zero(n);
        if (ok && n > 0) {
            // The camera Hessian (block diagonal in the poses, with an intrinsics border), lower
            // triangle, damped; minus the points' share.
            const CameraSums &u = lin.cameras;
            Eigen::MatrixXd s = Eigen::MatrixXd::Zero(n, n);
            for (int b = 0; b < nb; ++b)
                for (int r = 0; r < 6; ++r) {
                    for (int e = 0; e < 6; ++e) s(6 * b + r, 6 * b + e) = u.pose[36 * b + 6 * r + e];
                    for (int q = 0; q < ni; ++q) s(6 * nb + q, 6 * b + r) = u.cross[6 * ni * b + 6 * q + r];
                }
            for (int q = 0; q < ni; ++q)
                for (int e = 0; e < ni; ++e) s(6 * nb + q, 6 * nb + e) = u.intrinsics[ni * q + e];
            for (int i = 0; i < n; ++i) s(i, i) += lambda * std::max(s(i, i), 1e-6) + 1e-12;
            Eigen::VectorXd rhs = -Eigen::Map<const Eigen::VectorXd>(u.gradient.data(), n);
            for (int k = 0; k < chunks; ++k) {
                const SchurSums &x = schur[k];
                for (int a = 0; a < nb; ++a) {
                    for (int b = 0; b <= a; ++b) {
                        const double *tile = x.tile(a, b);
                        for (int e = 0; e < 6; ++e)
                            for (int r = 0; r < 6; ++r) s(6 * a + r, 6 * b + e) -= tile[8 * e + r];
                    }
                    for (int q = 0; q < ni; ++q)
                        for (int e = 0; e < 6; ++e) s(6 * nb + q, 6 * a + e) -= x.cross[6 * ni * a + 6 * q + e];
                }
                for (int q = 0; q < ni; ++q)
                    for (int e = 0; e < ni; ++e) s(6 * nb + q, 6 * nb + e) -= x.intrinsics[ni * q + e];
                rhs += Eigen::Map<const Eigen::VectorXd>(x.rhs.data(), n);
            }
            // Fixed parameters of partly fixed poses: pinned to a zero step.
            for (int b = 0; b < nb; ++b) {
                const uint8_t fixed = p.pose_fixed ? p.pose_fixed[layout.cameras[b]] : 0;
                for (int a = 0; a < 6; ++a) {
                    if (!(fixed & (1 << a))) continue;
                    const int i = 6 * b + a;
                    s.row(i).setZero(); s.col(i).setZero(); s(i, i) = 1; rhs[i] = 0;
                }
            }
            Eigen::LDLT<Eigen::MatrixXd, Eigen::Lower> ldlt(s);
            if (ldlt.info() != Eigen::Success) ok = false;
            else dc = ldlt.solve(rhs);
            if (!dc.allFinite()) ok = false;
        }
        if (!ok) {
            lambda *= nu; nu *= 2;
            if (lambda > 1e12) break;
            continue;
        }

        // Candidate parameters.
        State next = state;
        for (int b = 0; b < nb; ++b) {
            const int c = layout.cameras[b];
            double dw[3] = {dc[6 * b], dc[6 * b + 1], dc[6 * b + 2]};
            for (int a = 3; a < 6; ++a) next.poses[6 * c + a] += dc[6 * b + a];
            if (dw[0] != 0 || dw[1] != 0 || dw[2] != 0)
                v2w_rotate_angle_axis(state.poses.data() + 6 * c, dw, next.poses.data() + 6 * c);
        }
        for (int q = 0; q < ni; ++q) next.intrinsics[layout.intrinsic_param[q]] += dc[6 * nb + q];
        auto steps = [&](int k) { point_steps_chunk(p, layout, index, lin, inverse_factor.data(), dc.data(), k, next.points.data()); };
        for_each_chunk(p, chunks, steps);

        const double new_cost = total_cost(p, loss, index, next);
        if (std::isfinite(new_cost) && new_cost < cost) {
            const double decrease = (cost - new_cost) / std::max(cost, 1e-300);
            state = std::move(next);
            cost = new_cost;
            summary->accepted++;
            lambda = std::max(lambda / 3, 1e-12); nu = 2;
            relinearize = true;
            if (decrease < p.function_tolerance) break;
        } else {
            lambda *= nu; nu *= 2;
            if (lambda > 1e12) break;
        }
    }

    for (size_t i = 0; i < state.poses.size(); ++i) p.poses[i] = state.poses[i];
    for (size_t i = 0; i < state.points.size(); ++i) p.points[i] = state.points[i];
    for (int k = 0; k < 5; ++k) p.intrinsics[k] = state.intrinsics[k];
    summary->final_cost = cost;
    return 0;
}
