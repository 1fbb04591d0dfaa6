// Bundle adjustment: Levenberg–Marquardt on the robust reprojection cost with the points
// eliminated by the Schur complement. Camera-side parameters (free pose parameters, then free
// intrinsics) form one dense reduced system; each point is a 3×3 block.
#include "CSolvers.h"
#include "solver_internal.hpp"

#include <cmath>
#include <vector>

namespace {

struct Loss {
    int kind;
    double c2;
    double rho(double s) const {
        switch (kind) {
        case V2W_LOSS_HUBER: return s <= c2 ? s : 2 * std::sqrt(c2 * s) - c2;
        case V2W_LOSS_CAUCHY: return c2 * std::log1p(s / c2);
        default: return s;
        }
    }
    // dρ/ds: the weight of the observation in the Gauss–Newton normal equations.
    double weight(double s) const {
        switch (kind) {
        case V2W_LOSS_HUBER: return s <= c2 ? 1 : std::sqrt(c2 / s);
        case V2W_LOSS_CAUCHY: return 1 / (1 + s / c2);
        default: return 1;
        }
    }
};

constexpr int kMaxCameraColumns = 11;  // 6 pose + 5 intrinsics

// One observation's share of the normal equations.
struct ObservationBlock {
    int m = 0;                      // camera-side columns it touches
    int cols[kMaxCameraColumns];    // their global indices
    double w[kMaxCameraColumns * 3];  // ρ' Jcᵀ Jp, m × 3 row-major
    bool valid = false;
    bool moves_pose = false;        // touches a pose column (else only shared intrinsics)
};

struct Layout {
    std::vector<int> pose_column;  // 6 per camera, −1 when fixed
    int intrinsic_column[5];
    int size = 0;
};

Layout make_layout(const v2w_ba_problem &p) {
    Layout l;
    l.pose_column.assign(size_t(6) * p.camera_count, -1);
    for (int c = 0; c < p.camera_count; ++c) {
        const uint8_t fixed = p.pose_fixed ? p.pose_fixed[c] : 0;
        for (int k = 0; k < 6; ++k)
            if (!(fixed & (1 << k))) l.pose_column[6 * c + k] = l.size++;
    }
    for (int k = 0; k < 5; ++k) l.intrinsic_column[k] = (p.intrinsics_free & (1 << k)) ? l.size++ : -1;
    return l;
}

// Penalty for an observation whose point is not in front of its camera.
constexpr double kBehindPenalty = 1e6;

double total_cost(const v2w_ba_problem &p, const Loss &loss, const double *poses, const double *points,
                  const double *intrinsics) {
    double cost = 0;
    for (int o = 0; o < p.observation_count; ++o) {
        double pixel[2];
        const int c = p.observation_camera[o], j = p.observation_point[o];
        if (!v2w::project(poses + 6 * c, points + 3 * j, intrinsics, pixel, nullptr, nullptr, nullptr)) {
            cost += loss.rho(kBehindPenalty);
            continue;
        }
        const double dx = pixel[0] - p.observations[2 * o], dy = pixel[1] - p.observations[2 * o + 1];
        cost += loss.rho(dx * dx + dy * dy);
    }
    return 0.5 * cost;
}

bool finite(const double *v, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i])) return false;
    return true;
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
    const int n = layout.size;

    // Observations grouped by point (CSR).
    std::vector<int> start(size_t(np) + 1, 0), by_point(no);
    for (int o = 0; o < no; ++o) start[p.observation_point[o] + 1]++;
    for (int j = 0; j < np; ++j) start[j + 1] += start[j];
    {
        std::vector<int> fill(start.begin(), start.end() - 1);
        for (int o = 0; o < no; ++o) by_point[fill[p.observation_point[o]]++] = o;
    }
    auto point_free = [&](int j) { return !(p.point_fixed && p.point_fixed[j]); };

    Eigen::MatrixXd u(n, n);
    Eigen::VectorXd gc(n);
    std::vector<Eigen::Matrix3d> v(np);
    std::vector<Eigen::Vector3d> gp(np);
    std::vector<ObservationBlock> blocks(no);

    std::vector<double> poses(p.poses, p.poses + 6 * size_t(nc)), points(p.points, p.points + 3 * size_t(np));
    double intrinsics[5];
    for (int k = 0; k < 5; ++k) intrinsics[k] = p.intrinsics[k];

    double cost = total_cost(p, loss, poses.data(), points.data(), intrinsics);
    summary->initial_cost = cost;
    double lambda = 1e-4, nu = 2;
    bool relinearize = true;

    for (int iteration = 0; iteration < p.max_iterations; ++iteration) {
        summary->iterations = iteration + 1;
        if (relinearize) {
            u.setZero(); gc.setZero();
            for (int j = 0; j < np; ++j) { v[j].setZero(); gp[j].setZero(); }
            for (int o = 0; o < no; ++o) {
                ObservationBlock &b = blocks[o];
                b.valid = false;
                const int c = p.observation_camera[o], j = p.observation_point[o];
                double pixel[2], jp[12], jx[6], jk[10];
                if (!v2w::project(poses.data() + 6 * c, points.data() + 3 * j, intrinsics, pixel, jp, jx, jk)) continue;
                const double r[2] = {pixel[0] - p.observations[2 * o], pixel[1] - p.observations[2 * o + 1]};
                const double wgt = loss.weight(r[0] * r[0] + r[1] * r[1]);
                // Camera-side Jacobian columns of this observation.
                double jc[2][kMaxCameraColumns];
                b.m = 0;
                for (int k = 0; k < 6; ++k) {
                    const int col = layout.pose_column[6 * c + k];
                    if (col < 0) continue;
                    b.cols[b.m] = col; jc[0][b.m] = jp[k]; jc[1][b.m] = jp[6 + k]; b.m++;
                }
                b.moves_pose = b.m > 0;
                for (int k = 0; k < 5; ++k) {
                    const int col = layout.intrinsic_column[k];
                    if (col < 0) continue;
                    b.cols[b.m] = col; jc[0][b.m] = jk[k]; jc[1][b.m] = jk[5 + k]; b.m++;
                }
                for (int a = 0; a < b.m; ++a) {
                    gc[b.cols[a]] += wgt * (jc[0][a] * r[0] + jc[1][a] * r[1]);
                    for (int e = 0; e < b.m; ++e)
                        u(b.cols[a], b.cols[e]) += wgt * (jc[0][a] * jc[0][e] + jc[1][a] * jc[1][e]);
                }
                b.valid = true;
                if (!point_free(j)) continue;
                for (int a = 0; a < 3; ++a) {
                    gp[j][a] += wgt * (jx[a] * r[0] + jx[3 + a] * r[1]);
                    for (int e = 0; e < 3; ++e) v[j](a, e) += wgt * (jx[a] * jx[e] + jx[3 + a] * jx[3 + e]);
                }
                for (int a = 0; a < b.m; ++a)
                    for (int e = 0; e < 3; ++e) b.w[3 * a + e] = wgt * (jc[0][a] * jx[e] + jc[1][a] * jx[3 + e]);
            }
            relinearize = false;
        }

        // Damped reduced camera system S δc = rhs.
        Eigen::MatrixXd s = u;
        Eigen::VectorXd rhs = -gc;
        for (int i = 0; i < n; ++i) s(i, i) += lambda * std::max(u(i, i), 1e-6) + 1e-12;
        std::vector<Eigen::Matrix3d> v_inverse(np);
        std::vector<const ObservationBlock *> point_blocks;
        ObservationBlock fixed_block;
        bool ok = true;
        for (int j = 0; j < np && ok; ++j) {
            if (!point_free(j)) continue;
            Eigen::Matrix3d vd = v[j];
            for (int i = 0; i < 3; ++i) vd(i, i) += lambda * std::max(v[j](i, i), 1e-6) + 1e-12;
            v_inverse[j] = vd.inverse();
            if (!v_inverse[j].allFinite()) { ok = false; break; }
            // The point's blocks: those of observations in moving cameras, plus one sum of the
            // observations in fixed cameras (they share the intrinsics columns only), so long
            // tracks in fixed cameras cost one block instead of one each.
            std::vector<const ObservationBlock *> &list = point_blocks;
            list.clear();
            ObservationBlock &fixed_sum = fixed_block;
            fixed_sum.m = 0; fixed_sum.valid = false;
            for (int i = start[j]; i < start[j + 1]; ++i) {
                const ObservationBlock &a = blocks[by_point[i]];
                if (!a.valid || a.m == 0) continue;
                if (a.moves_pose) { list.push_back(&a); continue; }
                if (!fixed_sum.valid) {
                    fixed_sum = a;
                } else {
                    for (int e = 0; e < 3 * a.m; ++e) fixed_sum.w[e] += a.w[e];
                }
            }
            if (fixed_sum.valid) list.push_back(&fixed_sum);
            // Fixed-capacity blocks: no heap allocation in this innermost loop.
            using Block3 = Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor, kMaxCameraColumns, 3>;
            using BlockN = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, kMaxCameraColumns, kMaxCameraColumns>;
            for (size_t ia = 0; ia < list.size(); ++ia) {
                const ObservationBlock &a = *list[ia];
                const Block3 t = Eigen::Map<const Block3>(a.w, a.m, 3) * v_inverse[j];
                const Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxCameraColumns, 1> tg = t * gp[j];
                for (int x = 0; x < a.m; ++x) rhs[a.cols[x]] += tg[x];
                // S is symmetric: form the blocks with ib ≥ ia and mirror them.
                for (size_t ib = ia; ib < list.size(); ++ib) {
                    const ObservationBlock &b = *list[ib];
                    const BlockN block = t * Eigen::Map<const Block3>(b.w, b.m, 3).transpose();
                    for (int x = 0; x < a.m; ++x)
                        for (int y = 0; y < b.m; ++y) {
                            s(a.cols[x], b.cols[y]) -= block(x, y);
                            if (ib != ia) s(b.cols[y], a.cols[x]) -= block(x, y);
                        }
                }
            }
        }
        Eigen::VectorXd dc = Eigen::VectorXd::Zero(n);
        if (ok && n > 0) {
            Eigen::LDLT<Eigen::MatrixXd> ldlt(s);
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
        std::vector<double> new_poses = poses, new_points = points;
        double new_intrinsics[5];
        for (int c = 0; c < nc; ++c) {
            double dw[3] = {0, 0, 0};
            for (int k = 0; k < 6; ++k) {
                const int col = layout.pose_column[6 * c + k];
                if (col < 0) continue;
                if (k < 3) dw[k] = dc[col]; else new_poses[6 * c + k] += dc[col];
            }
            if (dw[0] != 0 || dw[1] != 0 || dw[2] != 0)
                v2w_rotate_angle_axis(poses.data() + 6 * c, dw, new_poses.data() + 6 * c);
        }
        for (int k = 0; k < 5; ++k)
            new_intrinsics[k] = intrinsics[k] + (layout.intrinsic_column[k] >= 0 ? dc[layout.intrinsic_column[k]] : 0);
        for (int j = 0; j < np; ++j) {
            if (!point_free(j)) continue;
            Eigen::Vector3d b = -gp[j];
            for (int i = start[j]; i < start[j + 1]; ++i) {
                const ObservationBlock &a = blocks[by_point[i]];
                if (!a.valid) continue;
                for (int x = 0; x < a.m; ++x)
                    for (int e = 0; e < 3; ++e) b[e] -= a.w[3 * x + e] * dc[a.cols[x]];
            }
            const Eigen::Vector3d dp = v_inverse[j] * b;
            for (int e = 0; e < 3; ++e) new_points[3 * j + e] += dp[e];
        }

        const double new_cost = total_cost(p, loss, new_poses.data(), new_points.data(), new_intrinsics);
        if (std::isfinite(new_cost) && new_cost < cost) {
            const double decrease = (cost - new_cost) / std::max(cost, 1e-300);
            poses.swap(new_poses); points.swap(new_points);
            for (int k = 0; k < 5; ++k) intrinsics[k] = new_intrinsics[k];
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

    for (size_t i = 0; i < poses.size(); ++i) p.poses[i] = poses[i];
    for (size_t i = 0; i < points.size(); ++i) p.points[i] = points[i];
    for (int k = 0; k < 5; ++k) p.intrinsics[k] = intrinsics[k];
    summary->final_cost = cost;
    return 0;
}
