// Hot loops of the SIFT-style feature extractor and matcher. Every function works on
// caller-owned buffers (row-major, one float per pixel), allocates nothing, keeps no state and
// handles only the row / keypoint range it is given, so Swift can split ranges over the cores.
#pragma once
#include <stddef.h>
#include <stdint.h>

// ---- scale space (pyramid.c) ----

/// Horizontal pass of a separable blur: rows [row0, row1) of `src` into `dst` (both w×h),
/// kernel of 2·radius+1 taps, borders replicated.
void v2w_blur_horizontal(const float *src, float *dst, int width, int height,
                         const float *kernel, int radius, int row0, int row1);

/// Vertical pass: rows [row0, row1) of `dst` from `src` (both w×h), borders replicated.
void v2w_blur_vertical(const float *src, float *dst, int width, int height,
                       const float *kernel, int radius, int row0, int row1);

/// 2× bilinear upsampling with pixel centres aligned: output (2w×2h) rows [row0, row1).
void v2w_upsample2(const float *src, int width, int height, float *dst, int row0, int row1);

/// Keeps every other pixel (even rows and columns): `dst` is ⌈w/2⌉×⌈h/2⌉.
void v2w_downsample2(const float *src, int width, int height, float *dst);

/// Area-average downscaling (each output pixel is the mean of the input area it covers, edges
/// mapped to edges): rows [row0, row1) of the horizontal pass, `src` w×h into `dst` ow×h.
/// Requires ow ≤ w.
void v2w_shrink_horizontal(const float *src, int width, int height, float *dst, int out_width, int row0, int row1);

/// Vertical pass: rows [row0, row1) of `dst` (w×oh) from `src` (w×h). Requires oh ≤ h.
void v2w_shrink_vertical(const float *src, int width, int height, float *dst, int out_height, int row0, int row1);

/// out[i] = a[i] − b[i] for i in [begin, end).
void v2w_subtract(const float *a, const float *b, float *out, size_t begin, size_t end);

// ---- detection (detect.c) ----

/// Local extrema of `mid` among its 26 neighbours in (below, mid, above) with |value| >
/// threshold, for rows [row0, row1) clipped to [border, h − border). Writes (x, y) pairs to
/// `out_xy` in raster order; returns how many were found, at most `capacity`.
int v2w_find_extrema(const float *below, const float *mid, const float *above, int width, int height,
                     float threshold, int border, int row0, int row1, int32_t *out_xy, int capacity);

/// A refined extremum, in the octave's pixel grid.
typedef struct {
    float x, y;          // sub-pixel position (pixel index units of the octave image)
    float level;         // DoG level with its sub-level offset
    int32_t layer;       // integer DoG level after refinement (1 … layers)
    float sigma;         // Gaussian scale in octave pixels: sigma0 · 2^(level / layers)
    float response;      // |DoG| at the refined position
} v2w_extremum;

/// Quadratic sub-pixel / sub-level refinement (Lowe 2004 §4) with contrast and edge tests.
/// `dog` holds layers + 2 images of w×h. Returns 1 and fills `out` when the point is kept.
int v2w_refine_extremum(const float *const *dog, int layers, int width, int height, int x, int y,
                        int layer, float sigma0, float contrast_threshold, float edge_ratio,
                        int border, v2w_extremum *out);

// ---- orientation and descriptor (describe.c) ----

/// Gradient magnitude and direction (radians in [0, 2π), from +x towards +y; central
/// differences) of rows [row0, row1) of `image`; the one-pixel border gets zeros.
void v2w_gradients(const float *image, int width, int height, float *magnitude, float *angle, int row0, int row1);

/// Dominant gradient orientations (radians in [0, 2π), measured from +x towards +y) around
/// (x, y) at Gaussian scale `sigma`, from the level's gradients: 36-bin histogram, Gaussian window 1.5·sigma,
/// smoothed, peaks ≥ peak_ratio · max with parabolic interpolation. Returns the count written
/// (at most max_angles, strongest first).
int v2w_orientations(const float *magnitude, const float *angle, int width, int height, float x, float y, float sigma,
                     float peak_ratio, float *angles, int max_angles);

/// 4×4×8 gradient histogram descriptor from the level's gradients (trilinear binning, Gaussian
/// weighting, rotated to `orientation`), L2-normalised, clipped at 0.2, renormalised, then RootSIFT (L1 + square root) so
/// the result has unit L2 norm. Writes 128 floats.
void v2w_descriptor(const float *magnitude, const float *angle, int width, int height, float x, float y,
                    float sigma, float orientation, float *out);

// ---- matching (match.c) ----

/// One pass over a block of `rows` rows (global rows row_offset …) of a rows×cols similarity
/// matrix (dot products): per row, the column of the largest value and the two largest values
/// (written at best[row], …, indexed from the block's first row); per column, the best row so
/// far (updated in place; ties keep the earlier row).
void v2w_scan_similarities(const float *similarity, int rows, int cols, int row_offset,
                           int32_t *best, float *best_value, float *second_value,
                           int32_t *column_best_row, float *column_best_value);
