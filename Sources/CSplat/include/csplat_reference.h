// Plain, slow, double-precision reference implementations of the splatting kernels, kept beside
// the fast ones for tests: the fast kernels must match them, and finite differences of them
// check the fast gradients. Written for clarity, not speed; never used in training.
#ifndef CSPLAT_REFERENCE_H
#define CSPLAT_REFERENCE_H

#include "csplat_types.h"

typedef struct {
    double mean2d[2];
    double conic[3];  // (a, b, c) of the inverse 2D covariance
    double cov2d[3];  // (a, b, c) of the 2D covariance with the 0.3 px low-pass
    double depth;
    double opacity;
    double color[3];
    int32_t radius;   // 0 when culled
    int32_t rect[4];  // tiles x0, y0, x1, y1 (exclusive)
    int32_t clamped[3];
    int32_t visible;
} csplat_ref_splat;

// One splat, from its parameters (sh: (sh_degree + 1)² × 3 doubles, [coefficient][channel]).
void csplat_reference_project(const double *mean, const double *log_scale, const double *quat,
                              double opacity_logit, const double *sh, int32_t sh_degree,
                              const csplat_camera *camera, csplat_ref_splat *out);

// Brute force: every pixel composites every visible splat whose tile rectangle holds the pixel's
// tile, sorted by depth (ties by index), with the same blending rules as the tile rasterizer.
// order is scratch for count indices. signature is a checksum of every discrete decision (which
// splat contributes where and in which order, stops, alpha clamps, rectangles, colour clamps):
// finite differences are only valid when it is the same on both sides.
void csplat_reference_rasterize(const csplat_ref_splat *splats, int32_t count, int32_t width,
                                int32_t height, const double *background,
                                csplat_blend_options options, int32_t *order, double *color,
                                double *alpha, double *depth, uint64_t *signature);

// Mean SSIM over pixels and channels of interleaved RGB images, each window evaluated directly
// (11×11 Gaussian σ 1.5, zero padding, C1 = 0.01², C2 = 0.03²), weighted per pixel by weights
// (NULL: all 1): Σ w SSIM / (3 Σ w).
double csplat_reference_ssim(const double *x, const double *y, const double *weights, int32_t width,
                             int32_t height);

#endif
