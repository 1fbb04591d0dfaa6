// Backward of the projection: from gradients of the projected quantities to the splat
// parameters. Recomputes the forward quantities of each splat (see project_common.h).
#include "csplat_project.h"
#include "project_common.h"
#include <string.h>

static void zero_splat(const csplat_gaussians *g, const csplat_gaussian_grads *o, int32_t i) {
    memset(o->means + 3 * i, 0, 3 * sizeof(float));
    memset(o->log_scales + 3 * i, 0, 3 * sizeof(float));
    memset(o->rotations + 4 * i, 0, 4 * sizeof(float));
    o->opacity_logits[i] = 0;
    memset(o->sh + (size_t)i * g->sh_stride * 3, 0, (size_t)g->sh_stride * 3 * sizeof(float));
}

// SH colour: gradients of the coefficients, and of the mean through the view direction.
static void color_backward(const csplat_gaussians *g, const splat_camera_constants *k, const csplat_projected *pr,
                           int32_t i, const float *grad, const csplat_gaussian_grads *o, float dmean[3]) {
    float dcol[3];
    for (int ch = 0; ch < 3; ch++) dcol[ch] = pr->clamped[3 * i + ch] ? 0.0f : grad[CSPLAT_GRAD_COLOR_R + ch];
    float dir[3], basis[CSPLAT_MAX_SH_COEFFS];
    float len = splat_view_direction(k, g->means + 3 * i, dir);
    int deg = g->sh_degree;
    splat_sh_basis(deg, dir[0], dir[1], dir[2], basis);
    int32_t coeffs = (deg + 1) * (deg + 1);
    const float *sh = g->sh + (size_t)i * g->sh_stride * 3;
    float *dsh = o->sh + (size_t)i * g->sh_stride * 3;
    for (int32_t k = 0; k < coeffs; k++)
        for (int ch = 0; ch < 3; ch++) dsh[3 * k + ch] = basis[k] * dcol[ch];
    for (int32_t k = 3 * coeffs; k < 3 * g->sh_stride; k++) dsh[k] = 0;
    if (deg == 0 || len <= 0) return;

    float bx[CSPLAT_MAX_SH_COEFFS], by[CSPLAT_MAX_SH_COEFFS], bz[CSPLAT_MAX_SH_COEFFS];
    splat_sh_basis_grad(deg, dir[0], dir[1], dir[2], bx, by, bz);
    float dd[3] = {0, 0, 0}; // dL/d(unit direction)
    for (int32_t k = 1; k < coeffs; k++) {
        float w = sh[3 * k] * dcol[0] + sh[3 * k + 1] * dcol[1] + sh[3 * k + 2] * dcol[2];
        dd[0] += bx[k] * w; dd[1] += by[k] * w; dd[2] += bz[k] * w;
    }
    // Through the normalisation d / |d|: (I - n nᵀ) / |d|.
    float along = dd[0] * dir[0] + dd[1] * dir[1] + dd[2] * dir[2];
    for (int k = 0; k < 3; k++) dmean[k] += (dd[k] - along * dir[k]) / len;
}

// Gradient of the normalised-quaternion rotation matrix, taken back to the stored quaternion.
static void rotation_backward(const float *q, const float dr[9], float *dq) {
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

void csplat_project_backward(const csplat_gaussians *g, const csplat_camera *c,
                             const csplat_projected *pr, const float *splat_grads,
                             const csplat_gaussian_grads *o, int32_t begin, int32_t end) {
    const splat_camera_constants k = splat_camera_setup(c);
    for (int32_t i = begin; i < end; i++) {
        if (pr->radii[i] == 0) { zero_splat(g, o, i); continue; }
        const float *grad = splat_grads + (size_t)i * CSPLAT_GRAD_STRIDE;
        splat_projection sp;
        splat_camera_point(c, g->means + 3 * i, sp.p);
        splat_project_covariance(c, &k, g->log_scales + 3 * i, g->rotations + 4 * i, &sp);
        float x = sp.p[0], y = sp.p[1], z = sp.p[2];
        float dmean[3] = {0, 0, 0};
        float dp[3] = {0, 0, 0}; // dL/d(camera-space mean)

        color_backward(g, &k, pr, i, grad, o, dmean);
        float op = pr->opacities[i];
        o->opacity_logits[i] = grad[CSPLAT_GRAD_OPACITY] * op * (1 - op);

        // 2D mean u = fx x/z + cx, v = fy y/z + cy; depth z.
        float gu = grad[CSPLAT_GRAD_MEAN2D_X], gv = grad[CSPLAT_GRAD_MEAN2D_Y];
        dp[0] += c->fx / z * gu;
        dp[1] += c->fy / z * gv;
        dp[2] += -(c->fx * x * gu + c->fy * y * gv) / (z * z) + grad[CSPLAT_GRAD_DEPTH];

        // Conic K = cov2d⁻¹: dL/dcov2d = -K G K, G the symmetric-matrix gradient of K.
        float a = sp.cov2d[0], b = sp.cov2d[1], cc = sp.cov2d[2];
        float det = a * cc - b * b;
        float k00 = cc / det, k01 = -b / det, k11 = a / det;
        float g00 = grad[CSPLAT_GRAD_CONIC_A], g01 = 0.5f * grad[CSPLAT_GRAD_CONIC_B], g11 = grad[CSPLAT_GRAD_CONIC_C];
        float kg00 = k00 * g00 + k01 * g01, kg01 = k00 * g01 + k01 * g11;
        float kg10 = k01 * g00 + k11 * g01, kg11 = k01 * g01 + k11 * g11;
        float c00 = -(kg00 * k00 + kg01 * k01);
        float c01 = -(kg00 * k01 + kg01 * k11);
        float c11 = -(kg10 * k01 + kg11 * k11);
        const float gc[4] = {c00, c01, c01, c11}; // dL/dcov2d, 2 × 2

        // cov2d = T Σ Tᵀ: dL/dΣ = Tᵀ G T, dL/dT = 2 G T Σ.
        const float *t = sp.t;
        float gt[6]; // G T
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 3; k++) gt[3 * r + k] = gc[2 * r] * t[k] + gc[2 * r + 1] * t[3 + k];
        float dsigma[9];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++) dsigma[3 * r + k] = t[r] * gt[k] + t[3 + r] * gt[3 + k];
        float dt[6];
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 3; k++)
                dt[3 * r + k] = 2 * (gt[3 * r] * sp.sigma[k] + gt[3 * r + 1] * sp.sigma[3 + k] + gt[3 * r + 2] * sp.sigma[6 + k]);

        // T = J W: dL/dJ = dL/dT Wᵀ; only J00, J02, J11, J12 are non-zero.
        const float *w = c->rotation;
        float dj00 = dt[0] * w[0] + dt[1] * w[1] + dt[2] * w[2];
        float dj02 = dt[0] * w[6] + dt[1] * w[7] + dt[2] * w[8];
        float dj11 = dt[3] * w[3] + dt[4] * w[4] + dt[5] * w[5];
        float dj12 = dt[3] * w[6] + dt[4] * w[7] + dt[5] * w[8];
        // J00 = fx/z, J11 = fy/z, J02 = -fx ux/z, J12 = -fy uy/z with ux = x/z unless clamped.
        float z2 = z * z;
        dp[2] += -c->fx / z2 * dj00 - c->fy / z2 * dj11;
        dp[2] += c->fx * sp.ux / z2 * dj02 + c->fy * sp.uy / z2 * dj12;
        float dux = -c->fx / z * dj02, duy = -c->fy / z * dj12;
        if (!sp.clamp_x) { dp[0] += dux / z; dp[2] += -dux * x / z2; }
        if (!sp.clamp_y) { dp[1] += duy / z; dp[2] += -duy * y / z2; }

        // p = W m + t.
        for (int k = 0; k < 3; k++) dmean[k] += w[k] * dp[0] + w[3 + k] * dp[1] + w[6 + k] * dp[2];
        memcpy(o->means + 3 * i, dmean, sizeof dmean);

        // Σ = M Mᵀ with M = Rq S: dL/dM = 2 dL/dΣ M (dL/dΣ symmetric).
        float m[9];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++) m[3 * r + k] = sp.rq[3 * r + k] * sp.s[k];
        float dm[9];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++)
                dm[3 * r + k] = 2 * (dsigma[3 * r] * m[k] + dsigma[3 * r + 1] * m[3 + k] + dsigma[3 * r + 2] * m[6 + k]);
        float drq[9];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++) drq[3 * r + k] = dm[3 * r + k] * sp.s[k];
        for (int k = 0; k < 3; k++) {
            float ds = dm[k] * sp.rq[k] + dm[3 + k] * sp.rq[3 + k] + dm[6 + k] * sp.rq[6 + k];
            o->log_scales[3 * i + k] = ds * sp.s[k]; // s = exp(log s)
        }
        rotation_backward(g->rotations + 4 * i, drq, o->rotations + 4 * i);
    }
}
