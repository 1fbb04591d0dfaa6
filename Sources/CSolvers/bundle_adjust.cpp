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
    int m = 0;                      // camera-side columns it touches: pose ones first
    int mp = 0;                     // how many of them are pose columns
    int first = -1;                 // the first pose column when all 6 are free (consecutive)
    int cols[kMaxCameraColumns];    // their global indices
    double w[kMaxCameraColumns * 3];  // ρ' Jcᵀ Jp, m × 3 row-major
    bool valid = false;
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

/// Each camera's rotation matrix.
std::vector<Eigen::Matrix3d> rotations(const double *poses, int count) {
    std::vector<Eigen::Matrix3d> r(count);
    for (int c = 0; c < count; ++c) r[c] = v2w::rotation(poses + 6 * c);
    return r;
}

double total_cost(const v2w_ba_problem &p, const Loss &loss, const double *poses, const double *points,
                  const double *intrinsics) {
    const std::vector<Eigen::Matrix3d> r = rotations(poses, p.camera_count);
    double cost = 0;
    for (int o = 0; o < p.observation_count; ++o) {
        double pixel[2];
        const int c = p.observation_camera[o], j = p.observation_point[o];
        if (!v2w::project(r[c], poses + 6 * c, points + 3 * j, intrinsics, pixel, nullptr, nullptr, nullptr)) {
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
    // The free intrinsics columns, in the order observation blocks list them.
    int intrinsic_cols[5], ni = 0;
    for (int k = 0; k < 5; ++k)
        if (layout.intrinsic_column[k] >= 0) intrinsic_cols[ni++] = layout.intrinsic_column[k];

    // Observations grouped by point (CSR).
    std::vector<int> start(size_t(np) + 1, 0), by_point(no);
    for (int o = 0; o < no; ++o) start[p.observation_point[o] + 1]++;
    for (int j = 0; j < np; ++j) start[j + 1] += start[j];
    {
        std::vector<int> fill(start.begin(), start.end() - 1);
        for (int o = 0; o < no; ++o) by_point[fill[p.observation_point[o]]++] = o;
    }
    auto point_free = [&](int j) { return !(p.point_fixed && p.point_fixed[j]); };

    Eigen::MatrixXd u(n, n), x(n, n);
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
            const std::vector<Eigen::Matrix3d> r_now = rotations(poses.data(), nc);
            for (int o = 0; o < no; ++o) {
                ObservationBlock &b = blocks[o];
                b.valid = false;
                const int c = p.observation_camera[o], j = p.observation_point[o];
                double pixel[2], jp[12], jx[6], jk[10];
                if (!v2w::project(r_now[c], poses.data() + 6 * c, points.data() + 3 * j, intrinsics, pixel, jp, jx, jk)) continue;
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
                b.mp = b.m;
                b.first = b.m == 6 ? b.cols[0] : -1;
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
        x.setZero();
        bool ok = true;
        for (int j = 0; j < np && ok; ++j) {
            if (!point_free(j)) continue;
            Eigen::Matrix3d vd = v[j];
            for (int i = 0; i < 3; ++i) vd(i, i) += lambda * std::max(v[j](i, i), 1e-6) + 1e-12;
            v_inverse[j] = vd.inverse();
            if (!v_inverse[j].allFinite()) { ok = false; break; }
            // S −= Wⱼ Vⱼ⁻¹ Wⱼᵀ over the point's observations. The shared intrinsics columns are
            // the same for every observation, so their rows of Wⱼ are summed once (all
            // observations, moving cameras or fixed), and only the pose rows pair up per
            // observation: 6 × 6 blocks per pair instead of 11 × 11.
            Eigen::Matrix<double, 5, 3> wi = Eigen::Matrix<double, 5, 3>::Zero();
            point_blocks.clear();
            for (int i = start[j]; i < start[j + 1]; ++i) {
                const ObservationBlock &a = blocks[by_point[i]];
                if (!a.valid || a.m == 0) continue;
                for (int x = a.mp; x < a.m; ++x)
                    for (int e = 0; e < 3; ++e) wi(x - a.mp, e) += a.w[3 * x + e];
                if (a.mp > 0) point_blocks.push_back(&a);
            }
            using Pose3 = Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor, 6, 3>;
            using Pose6 = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, 6, 6>;
            const Eigen::Matrix<double, 5, 3> ti = wi * v_inverse[j];  // rows past ni stay zero
            const Eigen::Vector3d g = gp[j];
            // Each unordered block is added once to x (diagonal blocks halved); S −= x + xᵀ
            // after all points, so the scatter writes half as much and full 6 × 6 blocks go
            // in as vector operations.
            if (ni > 0) {
                const Eigen::Matrix<double, 5, 1> tig = ti * g;
                const Eigen::Matrix<double, 5, 5> ii = ti * wi.transpose();
                for (int c = 0; c < ni; ++c) {
                    rhs[intrinsic_cols[c]] += tig[c];
                    for (int e = 0; e < ni; ++e) x(intrinsic_cols[c], intrinsic_cols[e]) += 0.5 * ii(c, e);
                }
            }
            for (size_t ia = 0; ia < point_blocks.size(); ++ia) {
                const ObservationBlock &a = *point_blocks[ia];
                const Pose3 t = Eigen::Map<const Pose3>(a.w, a.mp, 3) * v_inverse[j];
                const Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 6, 1> tg = t * g;
                for (int c = 0; c < a.mp; ++c) rhs[a.cols[c]] += tg[c];
                if (ni > 0) {  // pose–intrinsics block
                    const Eigen::Matrix<double, Eigen::Dynamic, 5, Eigen::RowMajor, 6, 5> pi = t * wi.transpose();
                    for (int c = 0; c < a.mp; ++c)
                        for (int e = 0; e < ni; ++e) x(a.cols[c], intrinsic_cols[e]) += pi(c, e);
                }
                for (size_t ib = ia; ib < point_blocks.size(); ++ib) {
                    const ObservationBlock &b = *point_blocks[ib];
                    const double half = ib == ia ? 0.5 : 1.0;
                    if (a.first >= 0 && b.first >= 0) {
                        const Eigen::Matrix<double, 6, 3, Eigen::RowMajor> ta = t;
                        x.block<6, 6>(a.first, b.first).noalias() +=
                            half * ta * Eigen::Map<const Eigen::Matrix<double, 6, 3, Eigen::RowMajor>>(b.w).transpose();
                        continue;
                    }
                    const Pose6 block = t * Eigen::Map<const Pose3>(b.w, b.mp, 3).transpose();
                    for (int c = 0; c < a.mp; ++c)
                        for (int e = 0; e < b.mp; ++e) x(a.cols[c], b.cols[e]) += half * block(c, e);
                }
            }
        }
        if (ok) s.noalias() -= x + x.transpose();
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
