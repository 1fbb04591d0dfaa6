// Bundle adjustment: the normal equations of one chunk of points, and its cost.
#include "ba_internal.hpp"

namespace v2w::ba {

void CameraSums::reset(const Layout &l) {
    pose.assign(size_t(36) * l.blocks(), 0);
    cross.assign(size_t(6) * l.ni * l.blocks(), 0);
    for (double &v : intrinsics) v = 0;
    gradient.assign(l.size(), 0);
}

void CameraSums::add(const CameraSums &o) {
    for (size_t i = 0; i < pose.size(); ++i) pose[i] += o.pose[i];
    for (size_t i = 0; i < cross.size(); ++i) cross[i] += o.cross[i];
    for (int i = 0; i < 25; ++i) intrinsics[i] += o.intrinsics[i];
    for (size_t i = 0; i < gradient.size(); ++i) gradient[i] += o.gradient[i];
}

void State::update_rotations(int cameras) {
    rotations.resize(cameras);
    for (int c = 0; c < cameras; ++c) rotations[c] = v2w::rotation(poses.data() + 6 * c);
}

void linearize_chunk(const v2w_ba_problem &p, const Loss &loss, const Layout &layout, const PointIndex &index,
                     const State &state, int k, Linearization &lin, CameraSums &sums) {
    sums.reset(layout);
    const int ni = layout.ni, nb = layout.blocks();
    for (int j = index.chunk[k]; j < index.chunk[k + 1]; ++j) {
        const bool point_free = !(p.point_fixed && p.point_fixed[j]);
        double *v = lin.v.data() + 9 * size_t(j), *gp = lin.gp.data() + 3 * size_t(j), *wi = lin.wi.data() + 15 * size_t(j);
        for (int i = 0; i < 9; ++i) v[i] = 0;
        for (int i = 0; i < 3; ++i) gp[i] = 0;
        for (int i = 0; i < 15; ++i) wi[i] = 0;
        for (int pos = index.start[j]; pos < index.start[j + 1]; ++pos) {
            const int o = index.by_point[pos], c = p.observation_camera[o];
            lin.valid[pos] = 0;
            double pixel[2], jp[12], jx[6], jk[10];
            if (!v2w::project(state.rotations[c], state.poses.data() + 6 * c, state.points.data() + 3 * j, state.intrinsics,
                              pixel, jp, jx, jk))
                continue;
            lin.valid[pos] = 1;
            const double r[2] = {pixel[0] - p.observations[2 * o], pixel[1] - p.observations[2 * o + 1]};
            const double wgt = loss.weight(r[0] * r[0] + r[1] * r[1]);
            const int b = layout.block[c];
            // Pose columns (fixed ones zeroed) and free intrinsics columns of this observation.
            double jc[2][6], ji[2][5];
            const uint8_t fixed = p.pose_fixed ? p.pose_fixed[c] : 0;
            for (int a = 0; a < 6; ++a) {
                const bool on = !(fixed & (1 << a));
                jc[0][a] = on ? jp[a] : 0;
                jc[1][a] = on ? jp[6 + a] : 0;
            }
            for (int q = 0; q < ni; ++q) {
                ji[0][q] = jk[layout.intrinsic_param[q]];
                ji[1][q] = jk[5 + layout.intrinsic_param[q]];
            }
            double *g = sums.gradient.data();
            if (b >= 0) {
                double *u = sums.pose.data() + 36 * size_t(b);
                for (int a = 0; a < 6; ++a) {
                    g[6 * b + a] += wgt * (jc[0][a] * r[0] + jc[1][a] * r[1]);
                    for (int e = 0; e < 6; ++e) u[6 * a + e] += wgt * (jc[0][a] * jc[0][e] + jc[1][a] * jc[1][e]);
                }
                double *x = sums.cross.data() + size_t(6) * ni * b;
                for (int q = 0; q < ni; ++q)
                    for (int a = 0; a < 6; ++a) x[6 * q + a] += wgt * (ji[0][q] * jc[0][a] + ji[1][q] * jc[1][a]);
            }
            for (int q = 0; q < ni; ++q) {
                g[6 * nb + q] += wgt * (ji[0][q] * r[0] + ji[1][q] * r[1]);
                for (int e = 0; e < ni; ++e) sums.intrinsics[ni * q + e] += wgt * (ji[0][q] * ji[0][e] + ji[1][q] * ji[1][e]);
            }
            if (!point_free) continue;
            for (int a = 0; a < 3; ++a) {
                gp[a] += wgt * (jx[a] * r[0] + jx[3 + a] * r[1]);
                for (int e = 0; e < 3; ++e) v[3 * a + e] += wgt * (jx[a] * jx[e] + jx[3 + a] * jx[3 + e]);
            }
            double *w = lin.w.data() + 18 * size_t(pos);
            for (int a = 0; a < 6; ++a)
                for (int e = 0; e < 3; ++e) w[3 * a + e] = wgt * (jc[0][a] * jx[e] + jc[1][a] * jx[3 + e]);
            for (int q = 0; q < ni; ++q)
                for (int e = 0; e < 3; ++e) wi[3 * q + e] += wgt * (ji[0][q] * jx[e] + ji[1][q] * jx[3 + e]);
        }
    }
}

double chunk_cost(const v2w_ba_problem &p, const Loss &loss, const PointIndex &index, const State &state, int k) {
    double cost = 0;
    for (int j = index.chunk[k]; j < index.chunk[k + 1]; ++j) {
        for (int pos = index.start[j]; pos < index.start[j + 1]; ++pos) {
            const int o = index.by_point[pos], c = p.observation_camera[o];
            double pixel[2];
            if (!v2w::project(state.rotations[c], state.poses.data() + 6 * c, state.points.data() + 3 * j, state.intrinsics,
                              pixel, nullptr, nullptr, nullptr)) {
                cost += loss.rho(kBehindPenalty);
                continue;
            }
            const double dx = pixel[0] - p.observations[2 * o], dy = pixel[1] - p.observations[2 * o + 1];
            cost += loss.rho(dx * dx + dy * dy);
        }
    }
    return 0.5 * cost;
}

}  // namespace v2w::ba
