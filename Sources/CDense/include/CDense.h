// Dense per-pixel kernels of the estimate stage: the plane sweep (depth by photometric
// consistency), the multi-view geometric consistency check of depth maps, and bilinear image
// remapping (lens undistortion). Every function works on caller-owned, row-major float buffers,
// allocates nothing, keeps no state and handles only the row range it is given, so Swift can
// split rows over the cores. Pixel centres sit at +0.5 (pixel (i, j) is the point (i+.5, j+.5)).
#pragma once
#include <stddef.h>
#include <stdint.h>

// ---- plane sweep (sweep.c) ----

/// The reference view of a sweep: a grey image and the mean and standard deviation of each
/// (2r+1)² window around a pixel (std 0 marks a window that is invalid or too flat to match).
typedef struct {
    const float *image;
    const float *mean;
    const float *std;
    int width, height;
} v2w_sweep_reference;

/// A neighbour view: its grey image and the plane-induced homography split as
/// neighbour pixel ∝ A · (x, y, 1) + inverse_depth · b, for reference pixel (x, y) and a
/// fronto-parallel plane (of the reference camera) at the given inverse depth.
typedef struct {
    const float *image;
    int width, height;
    float a[9];  ///< row-major K_n R K_r⁻¹
    float b[3];  ///< K_n t
} v2w_sweep_neighbour;

/// Window mean and standard deviation of `image` (w×h) for rows [row0, row1). Windows that
/// leave the image, or whose standard deviation is below `min_std`, get std 0.
void v2w_window_stats(const float *image, int width, int height, int radius, float min_std,
                      float *mean, float *std, int row0, int row1);

/// Floats of scratch `v2w_plane_sweep` needs for a band of `rows` rows.
size_t v2w_plane_sweep_scratch(int width, int rows, int radius, int neighbour_count);

/// Winner-take-all plane sweep for reference rows [row0, row1): for each of `plane_count`
/// inverse depths (evenly spaced, increasing or decreasing), each neighbour's zero-normalised
/// cross-correlation (ZNCC) over the (2r+1)² window is computed on the warped neighbour; the
/// pixel's score for the plane is the mean of its best `keep` neighbour scores (robust to
/// occlusion in the others). The best plane is refined by a parabola through the scores of its
/// two neighbouring planes (in inverse depth). Writes, for the band's pixels (index y·w + x):
/// `depth` (camera z, 0 where no interior optimum was found or the reference window is flat)
/// and `score` (the best plane's score in [−1, 1], −1 where invalid). A neighbour whose window
/// falls partly outside its image, or is flat there, scores −1 for that plane.
void v2w_plane_sweep(const v2w_sweep_reference *reference, const v2w_sweep_neighbour *neighbours,
                     int neighbour_count, int keep, const float *inverse_depths, int plane_count,
                     int radius, float min_std, int row0, int row1, float *scratch,
                     float *depth, float *score);

// ---- geometric consistency (consistency.c) ----

/// A neighbour's depth map for the consistency check, with the rigid transform from reference
/// camera coordinates to the neighbour's and both pinhole intrinsics (fx, fy, cx, cy).
typedef struct {
    const float *depth;
    int width, height;
    float r[9];  ///< row-major, reference camera → neighbour camera
    float t[3];
    float k[4];
} v2w_depth_neighbour;

/// For reference rows [row0, row1): each pixel with depth > 0 is lifted to 3D, projected into
/// every neighbour, lifted again with the neighbour's depth there (nearest pixel) and projected
/// back. A neighbour agrees when the round trip lands within `max_pixels` of the pixel and the
/// two depths (in the reference camera) differ by less than `max_relative` of the depth.
/// `agree` receives how many neighbours agree (0 where the depth is 0).
void v2w_depth_consistency(const float *depth, int width, int height, const float k[4],
                           const v2w_depth_neighbour *neighbours, int neighbour_count,
                           float max_pixels, float max_relative, int row0, int row1, float *agree);

// ---- remapping (remap.c) ----

/// dst (dst_w×dst_h×channels) rows [row0, row1) sampled bilinearly from src (w×h×channels) at
/// the source positions `map` (2 floats per destination pixel, continuous pixel coordinates
/// with centres at +0.5; bilinear between the four nearest centres, clamped at the borders).
/// When `valid` is not NULL it receives 1 where the position lies inside the source image
/// ([0, w] × [0, h]) and 0 where it does not.
void v2w_remap_bilinear(const float *src, int width, int height, int channels, const float *map,
                        float *dst, int dst_width, int row0, int row1, uint8_t *valid);
