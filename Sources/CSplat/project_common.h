// The forward quantities of one splat's projection, shared by csplat_project and its backward
// (which recomputes them instead of storing them).
#ifndef CSPLAT_PROJECT_COMMON_H
#define CSPLAT_PROJECT_COMMON_H

#include "splat_math.h"
#include "fast_exp.h"

// Splats per block of the projection and its backward: the per-splat loops run over a block's
// lanes so the compiler vectorises them.
#define SPLAT_BLOCK 32

// The splat indices of a block of `n` (≤ SPLAT_BLOCK) starting at `block`; a short last block
// repeats its last splat in the unused lanes, so every lane reads valid data.
static inline void splat_block_indices(int32_t block, int32_t n, int32_t index[SPLAT_BLOCK]) {
    for (int32_t l = 0; l < SPLAT_BLOCK; l++) index[l] = block + (l < n ? l : n - 1);
}

// What depends on the camera only, computed once per kernel call.
typedef struct {
    float limits[4];  // splat_view_limits
    float center[3];  // camera centre in the world
} splat_camera_constants;

static inline splat_camera_constants splat_camera_setup(const csplat_camera *c) {
    splat_camera_constants k;
    splat_view_limits(c, k.limits);
    splat_camera_center(c, k.center);
    return k;
}

typedef struct {
    float p[3];       // camera-space mean
    float rq[9];      // rotation of the normalised quaternion, row-major
    float s[3];       // scales exp(log_scale)
    float sigma[9];   // 3D covariance R S Sᵀ Rᵀ
    float ux, uy;     // x/z and y/z clamped to the widened view
    int clamp_x, clamp_y;
    float t[6];       // T = J W, 2 × 3 row-major
    float cov2d[3];   // (a, b, c) of T Σ Tᵀ + 0.3 I
} splat_projection;

// Fills everything but needs p[2] > near (checked by the caller after splat_camera_point).
static inline void splat_camera_point(const csplat_camera *c, const float *m, float p[3]) {
    const float *r = c->rotation, *t = c->translation;
    for (int i = 0; i < 3; i++) p[i] = r[3 * i] * m[0] + r[3 * i + 1] * m[1] + r[3 * i + 2] * m[2] + t[i];
}

static inline void splat_project_covariance(const csplat_camera *c, const splat_camera_constants *k,
                                            const float *log_scale, const float *quat, splat_projection *sp) {
    splat_quat_to_rotation(quat, sp->rq);
    for (int j = 0; j < 3; j++) sp->s[j] = splat_exp_any(log_scale[j]);
    float m[9]; // M = R S
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) m[3 * i + j] = sp->rq[3 * i + j] * sp->s[j];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            sp->sigma[3 * i + j] = m[3 * i] * m[3 * j] + m[3 * i + 1] * m[3 * j + 1] + m[3 * i + 2] * m[3 * j + 2];

    const float *lim = k->limits;
    float z = sp->p[2];
    float rx = sp->p[0] / z, ry = sp->p[1] / z;
    sp->clamp_x = rx < lim[0] || rx > lim[1];
    sp->clamp_y = ry < lim[2] || ry > lim[3];
    sp->ux = fminf(fmaxf(rx, lim[0]), lim[1]);
    sp->uy = fminf(fmaxf(ry, lim[2]), lim[3]);
    // J = [[fx/z, 0, -fx ux/z], [0, fy/z, -fy uy/z]]; T = J W with W the camera rotation.
    float j00 = c->fx / z, j02 = -c->fx * sp->ux / z, j11 = c->fy / z, j12 = -c->fy * sp->uy / z;
    const float *w = c->rotation;
    for (int k = 0; k < 3; k++) {
        sp->t[k] = j00 * w[k] + j02 * w[6 + k];
        sp->t[3 + k] = j11 * w[3 + k] + j12 * w[6 + k];
    }
    float ts[6]; // T Σ
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++)
            ts[3 * i + k] = sp->t[3 * i] * sp->sigma[k] + sp->t[3 * i + 1] * sp->sigma[3 + k] + sp->t[3 * i + 2] * sp->sigma[6 + k];
    sp->cov2d[0] = ts[0] * sp->t[0] + ts[1] * sp->t[1] + ts[2] * sp->t[2] + 0.3f;
    sp->cov2d[1] = ts[0] * sp->t[3] + ts[1] * sp->t[4] + ts[2] * sp->t[5];
    sp->cov2d[2] = ts[3] * sp->t[3] + ts[4] * sp->t[4] + ts[5] * sp->t[5] + 0.3f;
}

// Unit view direction from the camera centre to the mean, and the length before normalising.
static inline float splat_view_direction(const splat_camera_constants *k, const float *mean, float d[3]) {
    const float *o = k->center;
    d[0] = mean[0] - o[0]; d[1] = mean[1] - o[1]; d[2] = mean[2] - o[2];
    float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    float inv = len > 0 ? 1.0f / len : 0.0f;
    d[0] *= inv; d[1] *= inv; d[2] *= inv;
    return len;
}

#endif
