// Shared types of the Gaussian-splatting kernels.
//
// Every kernel works on flat float arrays (struct of arrays) that the caller owns, allocates
// nothing, touches no globals and runs single-threaded over an index range [begin, end), so that
// Swift can split the work over the cores.
#ifndef CSPLAT_TYPES_H
#define CSPLAT_TYPES_H

#include <stddef.h>
#include <stdint.h>

#define CSPLAT_TILE_SIZE 16
#define CSPLAT_TILE_PIXELS (CSPLAT_TILE_SIZE * CSPLAT_TILE_SIZE)
#define CSPLAT_MAX_SH_DEGREE 3
#define CSPLAT_MAX_SH_COEFFS 16

// Per-splat gradient of the loss with respect to the projected quantities, as the rasterizer
// backward writes it (per sorted entry) and the projection backward reads it (per splat).
#define CSPLAT_GRAD_MEAN2D_X 0
#define CSPLAT_GRAD_MEAN2D_Y 1
#define CSPLAT_GRAD_CONIC_A 2
#define CSPLAT_GRAD_CONIC_B 3
#define CSPLAT_GRAD_CONIC_C 4
#define CSPLAT_GRAD_OPACITY 5
#define CSPLAT_GRAD_COLOR_R 6
#define CSPLAT_GRAD_COLOR_G 7
#define CSPLAT_GRAD_COLOR_B 8
#define CSPLAT_GRAD_DEPTH 9
#define CSPLAT_GRAD_STRIDE 10

// A pinhole camera, OpenCV axes (x right, y down, z forward).
// A world point X maps to camera space as x = R X + t, then to pixels as
// u = fx x/z + cx, v = fy y/z + cy. Pixel (i, j) is evaluated at its centre (i + 0.5, j + 0.5),
// so an image of width W spans u in [0, W] (the convention of the Geometry module and COLMAP).
typedef struct {
    float rotation[9];     // world-to-camera R, row-major
    float translation[3];  // world-to-camera t
    float fx, fy, cx, cy;  // pixels
    int32_t width, height; // pixels
    float near_plane;      // splats with camera depth z <= near_plane are culled (e.g. 0.01)
} csplat_camera;

// The splat parameters as a trainer stores them (the 3DGS PLY parameterisation).
typedef struct {
    const float *means;          // count × 3, world
    const float *log_scales;     // count × 3, natural log of the standard deviations
    const float *rotations;      // count × 4, quaternion (w, x, y, z), any non-zero norm
    const float *opacity_logits; // count, opacity = sigmoid(logit)
    // count × sh_stride × 3: per splat [coefficient][channel], DC first, then the degree 1, 2, 3
    // coefficients in the standard real SH order (16 × 3 floats per splat for degree 3).
    const float *sh;
    int32_t sh_stride; // coefficients stored per splat: (stored degree + 1)²
    int32_t sh_degree; // degree evaluated, 0...3, with (sh_degree + 1)² <= sh_stride
    int32_t count;
} csplat_gaussians;

// Gradient arrays with the same layout as csplat_gaussians.
typedef struct {
    float *means;
    float *log_scales;
    float *rotations;
    float *opacity_logits;
    float *sh; // count × sh_stride × 3; coefficients above the evaluated degree get 0
} csplat_gaussian_grads;

// What projection writes per splat. A culled splat (behind the near plane, degenerate, or
// touching no tile) has radius 0, tiles_touched 0 and zeros elsewhere. csplat_trim_tile_rects
// may then shrink the tile rectangles (to none for a splat that reaches no pixel, radius kept).
typedef struct {
    float *means2d;          // count × 2, pixels
    float *conics;           // count × 3: (a, b, c) of the inverse 2D covariance [[a b] [b c]]
    float *depths;           // count: camera-space z
    float *opacities;        // count: sigmoid(logit)
    float *colors;           // count × 3: SH colour + 0.5, clamped at 0
    int32_t *radii;          // count: ceil(3 sqrt(largest eigenvalue)), pixels; 0 = culled
    int32_t *tile_rects;     // count × 4: tiles x0, y0, x1, y1 (x1, y1 exclusive)
    uint32_t *tiles_touched; // count: (x1 - x0)(y1 - y0)
    uint8_t *clamped;        // count × 3: 1 where the colour channel was clamped at 0
    // 9 × count, component-major: [3 a + ch][i] = d(SH colour channel ch) / d(unit view
    // direction component a), before the clamp. NULL: not computed (csplat_project_backward
    // needs it). Written while the SH coefficients are loaded anyway, so that the backward
    // does not read them again.
    float *color_jacobians;
} csplat_projected;

// The thresholds of alpha blending. csplat_default_blend_options() gives the 3DGS values.
typedef struct {
    float alpha_min;         // contributions with alpha below this are skipped (1/255)
    float alpha_max;         // alpha is clamped to this (0.99)
    float transmittance_min; // a pixel stops before the splat that would drop T below this (1e-4)
} csplat_blend_options;

static inline csplat_blend_options csplat_default_blend_options(void) {
    csplat_blend_options o = {1.0f / 255.0f, 0.99f, 1e-4f};
    return o;
}

static inline int32_t csplat_tiles_x(int32_t width) { return (width + CSPLAT_TILE_SIZE - 1) / CSPLAT_TILE_SIZE; }
static inline int32_t csplat_tiles_y(int32_t height) { return (height + CSPLAT_TILE_SIZE - 1) / CSPLAT_TILE_SIZE; }

#endif
