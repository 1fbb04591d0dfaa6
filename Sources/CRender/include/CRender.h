// CRender: the rasterizer's inner loops. Flat arrays in, no allocation, no globals; each call works
// on a band of rows so Swift can run bands on both cores. Results do not depend on the band split.
#ifndef CRENDER_H
#define CRENDER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Floats per triangle corner in CRScene.attributes: u, v, r, g, b, nx, ny, nz.
#define CR_CORNER_ATTRIBUTES 8

/// Triangles already transformed, clipped against the near plane and projected by the caller.
typedef struct {
    int32_t width, height;          // final image size in pixels
    int32_t factor;                 // supersampling: factor × factor samples per pixel
    int32_t triangle_count;
    const float *screen;            // 9 per triangle: x, y (pixels, sample grid not applied), 1/z per corner
    const float *attributes;        // 3 × CR_CORNER_ATTRIBUTES per triangle (normals in world space)
    const int32_t *texture;         // per triangle: texture index, or -1 for none
    const int32_t *texture_size;    // 2 per texture: width, height
    const int64_t *texture_offset;  // per texture: offset (in floats) into texture_pixels
    const float *texture_pixels;    // RGB, row-major, top row first
    float ambient[3];
    int32_t light_count;
    const float *light_direction;   // 3 per light: unit vector from the surface toward the light
    const float *light_color;       // 3 per light
} CRScene;

/// Per-sample scratch for a band, sized by the caller: (row_end - row_begin) × factor rows of
/// width × factor samples each.
typedef struct {
    float *inverse_depth;   // 1/z of the nearest surface, 0 where empty
    int32_t *triangle;      // index of that surface's triangle, -1 where empty
    float *barycentric;     // 2 per sample: perspective-correct weights of corners 1 and 2
} CRSamples;

/// Renders pixel rows [row_begin, row_end): rasterizes the listed triangles (`triangles`, `count`
/// entries, ascending indices of those that may touch the band) into the band's samples (z-buffer,
/// top-left fill rule, list order, so ties go to the lower index), then
/// shades and averages each pixel's samples. Writes rgb (3 per pixel, the mean colour of covered
/// samples), alpha (covered fraction) and depth (mean camera z of covered samples, 0 where none),
/// all indexed by pixel over the whole image.
void cr_render_rows(const CRScene *scene, int32_t row_begin, int32_t row_end,
                    const int32_t *triangles, int32_t count, CRSamples samples,
                    float *rgb, float *alpha, float *depth);

/// Adds `amplitude` × one octave of value noise to `out` (resolution × resolution, row-major): the
/// `lattice` (cells × cells values) is sampled at pixel centres with smoothstep interpolation and
/// wraps around, so the result tiles.
void cr_noise_octave(const double *lattice, int32_t cells, int32_t resolution, double amplitude, double *out);

#ifdef __cplusplus
}
#endif

#endif
