// Backward of the projection: from gradients of the projected quantities to the splat
// parameters. Recomputes the forward quantities of each splat (see project_common.h).
// Splats go through in blocks of SPLAT_BLOCK lanes, as in the forward (project.c): each step is
// a branch-free loop over the lanes that the compiler runs eight splats wide; culled splats are
// computed like the others and get zeros when written.
#include "csplat_project.h"
#include "project_common.h"
#include <string.h>


// Gradient of the normalised-quaternion rotation matrix, taken back to the stored quaternion.
static inline void rotation_backward(const float *q, const float dr[9], float dq[4]) {
    float n = sqrtf(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    float w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
    // dR/dw, dR/dx, dR/dy, dR/dz of R(w, x, y, z), row-major.
    const float rw[9] = {0, -2 * z, 2 * y, 2 * z, 0, -2 * x, -2 * y, 2 * x, 0};
    const float rx[9] = {0, 2 * y, 2 * z, 2 * y, -4 * x, -2 * w, 2 * z, 2 * w, -4 * x};
    const float ry[9] = {-4 * y, 2 * x, 2 * w, 2 * x, 0, 2 * z, -2 * w, 2 * z, -4 * y};
    const float rz[9] = {-4 * z, -2 * w, 2 * x, 2 * w, -4 * z, 2 * y, 2 * x, 2 * y, 0};
    float dn[4] = {0, 0, 0, 0};
    for (int k = 0; k < 9; k++) {
        dn[0] += dr[k] * rw[k]; dn[1] += dr[k] * rx[k]; dn[2] += dr[k] * ry[k]; dn[3] += dr[k] * rz[k];
    }
    // Through q / |q|: (I - q̂ q̂ᵀ) / |q|.
    float along = dn[0] * w + dn[1] * x + dn[2] * y + dn[3] * z;
    const float qn[4] = {w, x, y, z};
    for (int k = 0; k < 4; k++) dq[k] = (dn[k] - along * qn[k]) / n;
}

// Everything but the SH colour for one splat: gradients of the mean (through the 2D mean, depth
// and covariance), log-scales, quaternion and opacity logit.
static inline void geometry_backward(const csplat_gaussians *g, const csplat_camera *c,
                                     const splat_camera_constants *k, const csplat_projected *pr,
                                     const float *grad, int32_t i, float dmean[3], float dscale[3],
                                     float dquat[4], float *dopacity) {
    splat_projection sp;
    splat_camera_point(c, g->means + 3 * i, sp.p);
    splat_project_covariance(c, k, g->log_scales + 3 * i, g->rotations + 4 * i, &sp);
    const float x = sp.p[0], y = sp.p[1], z = sp.p[2];
    float dp[3] = {0, 0, 0}; // dL/d(camera-space mean)
    const float op = pr->opacities[i];
    *dopacity = grad[CSPLAT_GRAD_OPACITY] * op * (1 - op);

    // 2D mean u = fx x/z + cx, v = fy y/z + cy; depth z.
    const float gu = grad[CSPLAT_GRAD_MEAN2D_X], gv = grad[CSPLAT_GRAD_MEAN2D_Y];
    dp[0] += c->fx / z * gu;
    dp[1] += c->fy / z * gv;
    dp[2] += -(c->fx * x * gu + c->fy * y * gv) / (z * z) + grad[CSPLAT_GRAD_DEPTH];

    // Conic K = cov2d⁻¹: dL/dcov2d = -K G K, G the symmetric-matrix gradient of K.
    const float a = sp.cov2d[0], b = sp.cov2d[1], cc = sp.cov2d[2];
    const float det = a * cc - b * b;
    const float k00 = cc / det, k01 = -b / det, k11 = a / det;
    const float g00 = grad[CSPLAT_GRAD_CONIC_A], g01 = 0.5f * grad[CSPLAT_GRAD_CONIC_B], g11 = grad[CSPLAT_GRAD_CONIC_C];
    const float kg00 = k00 * g00 + k01 * g01, kg01 = k00 * g01 + k01 * g11;
    const float kg10 = k01 * g00 + k11 * g01, kg11 = k01 * g01 + k11 * g11;
    const float c00 = -(kg00 * k00 + kg01 * k01);
    const float c01 = -(kg00 * k01 + kg01 * k11);
    const float c11 = -(kg10 * k01 + kg11 * k11);
    const float gc[4] = {c00, c01, c01, c11}; // dL/dcov2d, 2 × 2

    // cov2d = T Σ Tᵀ: dL/dΣ = Tᵀ G T, dL/dT = 2 G T Σ.
    const float *t = sp.t;
    float gt[6]; // G T
    for (int r = 0; r < 2; r++)
        for (int q = 0; q < 3; q++) gt[3 * r + q] = gc[2 * r] * t[q] + gc[2 * r + 1] * t[3 + q];
    float dsigma[9];
    for (int r = 0; r < 3; r++)
        for (int q = 0; q < 3; q++) dsigma[3 * r + q] = t[r] * gt[q] + t[3 + r] * gt[3 + q];
    float dt[6];
    for (int r = 0; r < 2; r++)
        for (int q = 0; q < 3; q++)
            dt[3 * r + q] = 2 * (gt[3 * r] * sp.sigma[q] + gt[3 * r + 1] * sp.sigma[3 + q] + gt[3 * r + 2] * sp.sigma[6 + q]);

    // T = J W: dL/dJ = dL/dT Wᵀ; only J00, J02, J11, J12 are non-zero.
    const float *w = c->rotation;
    const float dj00 = dt[0] * w[0] + dt[1] * w[1] + dt[2] * w[2];
    const float dj02 = dt[0] * w[6] + dt[1] * w[7] + dt[2] * w[8];
    const float dj11 = dt[3] * w[3] + dt[4] * w[4] + dt[5] * w[5];
    const float dj12 = dt[3] * w[6] + dt[4] * w[7] + dt[5] * w[8];
    // J00 = fx/z, J11 = fy/z, J02 = -fx ux/z, J12 = -fy uy/z with ux = x/z unless clamped.
    const float z2 = z * z;
    dp[2] += -c->fx / z2 * dj00 - c->fy / z2 * dj11;
    dp[2] += c->fx * sp.ux / z2 * dj02 + c->fy * sp.uy / z2 * dj12;
    const float dux = sp.clamp_x ? 0.0f : -c->fx / z * dj02, duy = sp.clamp_y ? 0.0f : -c->fy / z * dj12;
    dp[0] += dux / z; dp[2] += -dux * x / z2;
    dp[1] += duy / z; dp[2] += -duy * y / z2;

    // p = W m + t.
    for (int q = 0; q < 3; q++) dmean[q] = w[q] * dp[0] + w[3 + q] * dp[1] + w[6 + q] * dp[2];

    // Σ = M Mᵀ with M = Rq S: dL/dM = 2 dL/dΣ M (dL/dΣ symmetric).
    float m[9];
    for (int r = 0; r < 3; r++)
        for (int q = 0; q < 3; q++) m[3 * r + q] = sp.rq[3 * r + q] * sp.s[q];
    float dm[9];
    for (int r = 0; r < 3; r++)
        for (int q = 0; q < 3; q++)
            dm[3 * r + q] = 2 * (dsigma[3 * r] * m[q] + dsigma[3 * r + 1] * m[3 + q] + dsigma[3 * r + 2] * m[6 + q]);
    float drq[9];
    for (int r = 0; r < 3; r++)
        for (int q = 0; q < 3; q++) drq[3 * r + q] = dm[3 * r + q] * sp.s[q];
    for (int q = 0; q < 3; q++) {
        const float ds = dm[q] * sp.rq[q] + dm[3 + q] * sp.rq[3 + q] + dm[6 + q] * sp.rq[6 + q];
        dscale[q] = ds * sp.s[q]; // s = exp(log s)
    }
    rotation_backward(g->rotations + 4 * i, drq, dquat);
}

void csplat_project_backward(const csplat_gaussians *g, const csplat_camera *c,
                             const csplat_projected *pr, const float *splat_grads,
                             const csplat_gaussian_grads *o, int32_t begin, int32_t end) {
    const splat_camera_constants k = splat_camera_setup(c);
    const int32_t degree = g->sh_degree, coeffs = (degree + 1) * (degree + 1);
    const size_t sh_row = (size_t)g->sh_stride * 3;
    for (int32_t block = begin; block < end; block += SPLAT_BLOCK) {
        const int32_t n = end - block < SPLAT_BLOCK ? end - block : SPLAT_BLOCK;
        int32_t index[SPLAT_BLOCK];
        splat_block_indices(block, n, index);

        float dmean[3][SPLAT_BLOCK], dscale[3][SPLAT_BLOCK], dquat[4][SPLAT_BLOCK], dopacity[SPLAT_BLOCK];
        float dcol[3][SPLAT_BLOCK], dir[3][SPLAT_BLOCK], len[SPLAT_BLOCK];
        // The cost model shies away from the strided loads; eight lanes wide is still faster.
#pragma clang loop vectorize(enable) vectorize_width(8)
        for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
            const int32_t i = index[l];
            const float *grad = splat_grads + (size_t)i * CSPLAT_GRAD_STRIDE;
            float dm[3], ds[3], dq[4], d[3];
            geometry_backward(g, c, &k, pr, grad, i, dm, ds, dq, &dopacity[l]);
            for (int q = 0; q < 3; q++) { dmean[q][l] = dm[q]; dscale[q][l] = ds[q]; }
            for (int q = 0; q < 4; q++) dquat[q][l] = dq[q];
            for (int ch = 0; ch < 3; ch++) dcol[ch][l] = pr->clamped[3 * i + ch] ? 0.0f : grad[CSPLAT_GRAD_COLOR_R + ch];
            len[l] = splat_view_direction(&k, g->means + 3 * i, d);
            for (int q = 0; q < 3; q++) dir[q][l] = d[q];
        }

        // SH colour: the coefficients' gradients are basis × dL/dcolour; the view direction's
        // is J dL/dcolour with J the colour's Jacobian the projection kept (csplat_projected),
        // taken through the normalisation d / |d| ((I - n nᵀ) / |d|) to the mean.
        float basis[CSPLAT_MAX_SH_COEFFS][SPLAT_BLOCK];
        for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
            float b[CSPLAT_MAX_SH_COEFFS];
            splat_sh_basis(CSPLAT_MAX_SH_DEGREE, dir[0][l], dir[1][l], dir[2][l], b);
            for (int32_t q = 0; q < CSPLAT_MAX_SH_COEFFS; q++) basis[q][l] = b[q];
        }
        float dd[3][SPLAT_BLOCK]; // dL/d(unit direction)
        for (int a = 0; a < 3; a++) {
            const float *j0 = pr->color_jacobians + (size_t)(3 * a) * g->count;
            const float *j1 = j0 + g->count, *j2 = j1 + g->count;
            for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
                const int32_t i = index[l];
                dd[a][l] = j0[i] * dcol[0][l] + j1[i] * dcol[1][l] + j2[i] * dcol[2][l];
            }
        }
        float dmean_sh[3][SPLAT_BLOCK];
        for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
            const int on = degree > 0 && len[l] > 0;
            const float inv_len = on ? 1.0f / len[l] : 0.0f;
            const float along = dd[0][l] * dir[0][l] + dd[1][l] * dir[1][l] + dd[2][l] * dir[2][l];
            for (int q = 0; q < 3; q++) dmean_sh[q][l] = (dd[q][l] - along * dir[q][l]) * inv_len;
        }

        for (int32_t l = 0; l < n; l++) {
            const int32_t i = block + l;
            float *dsh = o->sh + (size_t)i * sh_row;
            if (pr->radii[i] == 0) {
                memset(dsh, 0, sh_row * sizeof(float));
                memset(o->means + 3 * i, 0, 3 * sizeof(float));
                memset(o->log_scales + 3 * i, 0, 3 * sizeof(float));
                memset(o->rotations + 4 * i, 0, 4 * sizeof(float));
                o->opacity_logits[i] = 0;
                continue;
            }
            for (int q = 0; q < 3; q++) {
                o->means[3 * i + q] = dmean_sh[q][l] + dmean[q][l];
                o->log_scales[3 * i + q] = dscale[q][l];
            }
            for (int q = 0; q < 4; q++) o->rotations[4 * i + q] = dquat[q][l];
            o->opacity_logits[i] = dopacity[l];
            for (int32_t q = 0; q < coeffs; q++)
                for (int ch = 0; ch < 3; ch++) dsh[3 * q + ch] = basis[q][l] * dcol[ch][l];
            for (size_t q = 3 * (size_t)coeffs; q < sh_row; q++) dsh[q] = 0;
        }
    }
}
