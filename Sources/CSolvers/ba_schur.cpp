// Bundle adjustment: the points' share of the reduced camera system (Schur complement) and the
// point steps that follow from a camera step, for one chunk of points.
//
// With the damped point block V = L Lᵀ and M = L⁻¹, W V⁻¹ Wᵀ = Z Zᵀ for Z = W Mᵀ (6 × 3 per
// observation): each pair of observations of a point adds one 6 × 6 tile Z_a Z_bᵀ, only those
// in the lower triangle (LDLᵀ reads no other).
#include "ba_internal.hpp"

#include <algorithm>

namespace v2w::ba {

namespace {

/// M = L⁻¹ of the Cholesky factor of a symmetric 3 × 3 matrix (row-major), packed lower:
/// m00 m10 m11 m20 m21 m22. False when it is not positive definite.
bool inverse_cholesky(const double a[9], double m[6]) {
    const double d0 = a[0];
    if (!(d0 > 0)) return false;
    const double l00 = std::sqrt(d0), l10 = a[3] / l00, l20 = a[6] / l00;
    const double d1 = a[4] - l10 * l10;
    if (!(d1 > 0)) return false;
    const double l11 = std::sqrt(d1), l21 = (a[7] - l20 * l10) / l11;
    const double d2 = a[8] - l20 * l20 - l21 * l21;
    if (!(d2 > 0)) return false;
    const double l22 = std::sqrt(d2);
    const double m00 = 1 / l00, m11 = 1 / l11, m22 = 1 / l22;
    const double m10 = -l10 * m00 * m11;
    const double m21 = -l21 * m11 * m22;
    const double m20 = -(l20 * m00 + l21 * m10) * m22;
    m[0] = m00; m[1] = m10; m[2] = m11; m[3] = m20; m[4] = m21; m[5] = m22;
    return std::isfinite(m00 + m10 + m11 + m20 + m21 + m22);
}

/// out = M v for packed lower M.
inline void lower_times(const double m[6], const double v[3], double out[3]) {
    out[0] = m[0] * v[0];
    out[1] = m[1] * v[0] + m[2] * v[1];
    out[2] = m[3] * v[0] + m[4] * v[1] + m[5] * v[2];
}

/// out = Mᵀ v for packed lower M.
inline void lower_transpose_times(const double m[6], const double v[3], double out[3]) {
    out[0] = m[0] * v[0] + m[1] * v[1] + m[3] * v[2];
    out[1] = m[2] * v[1] + m[4] * v[2];
    out[2] = m[5] * v[2];
}

/// Z = W Mᵀ for `rows` rows of W (row-major, 3 columns), Z column-major with stride `ld`:
/// Z(r, e) = Σ_{k ≤ e} W(r, k) M(e, k).
inline void times_factor_transpose(const double *w, int rows, int ld, const double m[6], double *z) {
    for (int r = 0; r < rows; ++r) {
        const double w0 = w[3 * r], w1 = w[3 * r + 1], w2 = w[3 * r + 2];
        z[r] = w0 * m[0];
        z[ld + r] = w0 * m[1] + w1 * m[2];
        z[2 * ld + r] = w0 * m[3] + w1 * m[4] + w2 * m[5];
    }
}

// Four doubles as one vector (AVX where the target has it), loadable from any 8-byte address.
typedef double Vec4 __attribute__((vector_size(32), aligned(8)));

/// A 6 × 6 tile (column-major, 8 rows) += Z_a Z_bᵀ, both Z column-major 8 × 3 (rows 6, 7 zero):
/// whole 8-row columns, two 4-wide multiply-adds per term.
inline void add_tile(double *tile, const double *za, const double *zb) {
    const Vec4 a0 = *(const Vec4 *)za, a1 = *(const Vec4 *)(za + 4);
    const Vec4 b0 = *(const Vec4 *)(za + 8), b1 = *(const Vec4 *)(za + 12);
    const Vec4 c0 = *(const Vec4 *)(za + 16), c1 = *(const Vec4 *)(za + 20);
    for (int e = 0; e < 6; ++e) {
        Vec4 *col = (Vec4 *)(tile + 8 * e);
        const double s0 = zb[e], s1 = zb[8 + e], s2 = zb[16 + e];
        col[0] += a0 * s0 + b0 * s1 + c0 * s2;
        col[1] += a1 * s0 + b1 * s1 + c1 * s2;
    }
}

}  // namespace

void SchurSums::reset(const Layout &l) {
    tiles.assign(size_t(l.blocks()) * (l.blocks() + 1) / 2 * kTile, 0.0);
    cross.assign(size_t(6) * l.ni * l.blocks(), 0.0);
    for (double &v : intrinsics) v = 0;
    rhs.assign(l.size(), 0.0);
}

bool schur_chunk(const v2w_ba_problem &p, const Layout &layout, const PointIndex &index, const Linearization &lin,
                 double lambda, int k, SchurSums &sums, double *inverse_factor) {
    const int nb = layout.blocks(), ni = layout.ni;
    sums.reset(layout);
    double *rhs = sums.rhs.data();
    // Z of each observation: 3 columns of 8 (rows 6, 7 stay zero).
    std::vector<double> z(size_t(24) * std::max(1, index.longest), 0.0);
    std::vector<int> tiles(std::max(1, index.longest)), order(std::max(1, index.longest));
    for (int j = index.chunk[k]; j < index.chunk[k + 1]; ++j) {
        if (p.point_fixed && p.point_fixed[j]) continue;
        const double *v = lin.v.data() + 9 * size_t(j);
        double vd[9];
        for (int i = 0; i < 9; ++i) vd[i] = v[i];
        for (int i = 0; i < 3; ++i) vd[4 * i] += lambda * std::max(v[4 * i], 1e-6) + 1e-12;
        double *m = inverse_factor + 6 * size_t(j);
        if (!inverse_cholesky(vd, m)) return false;
        double y[3];
        lower_times(m, lin.gp.data() + 3 * size_t(j), y);

        // The point's observations in moving cameras, ordered by pose block.
        int count = 0;
        for (int pos = index.start[j]; pos < index.start[j + 1]; ++pos) {
            if (!lin.valid[pos]) continue;
            const int b = layout.block[p.observation_camera[index.by_point[pos]]];
            if (b < 0) continue;
            int i = count++;
            for (; i > 0 && tiles[i - 1] > b; --i) { tiles[i] = tiles[i - 1]; order[i] = order[i - 1]; }
            tiles[i] = b; order[i] = pos;
        }
        for (int a = 0; a < count; ++a) {
            double *za = z.data() + 24 * size_t(a);
            times_factor_transpose(lin.w.data() + 18 * size_t(order[a]), 6, 8, m, za);
            for (int r = 0; r < 6; ++r) rhs[6 * tiles[a] + r] += za[r] * y[0] + za[8 + r] * y[1] + za[16 + r] * y[2];
        }
        for (int a = 0; a < count; ++a) {
            const double *za = z.data() + 24 * size_t(a);
            for (int b = 0; b <= a; ++b) {
                const double *zb = z.data() + 24 * size_t(b);
                double *tile = sums.tile(tiles[a], tiles[b]);
                add_tile(tile, za, zb);
                // Two observations in one camera share a diagonal tile: it needs both products.
                if (b != a && tiles[b] == tiles[a]) add_tile(tile, zb, za);
            }
        }
        if (ni == 0) continue;
        // Intrinsics rows (after every pose column): against each pose block and themselves.
        double zi[15];
        times_factor_transpose(lin.wi.data() + 15 * size_t(j), ni, ni, m, zi);
        for (int q = 0; q < ni; ++q) rhs[6 * nb + q] += zi[q] * y[0] + zi[ni + q] * y[1] + zi[2 * ni + q] * y[2];
        for (int a = 0; a < count; ++a) {
            const double *za = z.data() + 24 * size_t(a);
            double *cross = sums.cross.data() + size_t(6) * ni * tiles[a];
            for (int q = 0; q < ni; ++q)
                for (int e = 0; e < 6; ++e) cross[6 * q + e] += zi[q] * za[e] + zi[ni + q] * za[8 + e] + zi[2 * ni + q] * za[16 + e];
        }
        for (int q = 0; q < ni; ++q)
            for (int e = 0; e < ni; ++e)
                sums.intrinsics[ni * q + e] += zi[q] * zi[e] + zi[ni + q] * zi[ni + e] + zi[2 * ni + q] * zi[2 * ni + e];
    }
    return true;
}

void point_steps_chunk(const v2w_ba_problem &p, const Layout &layout, const PointIndex &index, const Linearization &lin,
                       const double *inverse_factor, const double *dc, int k, double *points) {
    const int nb = layout.blocks(), ni = layout.ni;
    for (int j = index.chunk[k]; j < index.chunk[k + 1]; ++j) {
        if (p.point_fixed && p.point_fixed[j]) continue;
        double b[3];
        for (int e = 0; e < 3; ++e) b[e] = -lin.gp[3 * size_t(j) + e];
        for (int pos = index.start[j]; pos < index.start[j + 1]; ++pos) {
            if (!lin.valid[pos]) continue;
            const int t = layout.block[p.observation_camera[index.by_point[pos]]];
            if (t < 0) continue;
            const double *w = lin.w.data() + 18 * size_t(pos);
            for (int r = 0; r < 6; ++r)
                for (int e = 0; e < 3; ++e) b[e] -= w[3 * r + e] * dc[6 * t + r];
        }
        const double *wi = lin.wi.data() + 15 * size_t(j);
        for (int q = 0; q < ni; ++q)
            for (int e = 0; e < 3; ++e) b[e] -= wi[3 * q + e] * dc[6 * nb + q];
        const double *m = inverse_factor + 6 * size_t(j);
        double t[3], dp[3];
        lower_times(m, b, t);
        lower_transpose_times(m, t, dp);
        for (int e = 0; e < 3; ++e) points[3 * size_t(j) + e] += dp[e];
    }
}

}  // namespace v2w::ba
