// Helpers shared by the forward and backward rasterizer (not public).
#ifndef CSPLAT_RASTER_COMMON_H
#define CSPLAT_RASTER_COMMON_H

#include <math.h>
#include "csplat_rasterize.h"

// Columns evaluated together by the pixel loops (one AVX2 register of floats).
#define SPLAT_LANES 8

// Pixel box of a tile: origin and size (edge tiles are cut by the image).
typedef struct { int32_t x0, y0, w, h; } splat_tile_box;

static inline splat_tile_box splat_tile(const csplat_raster_input *in, int32_t tile) {
    int32_t tiles_x = csplat_tiles_x(in->width);
    splat_tile_box b;
    b.x0 = (tile % tiles_x) * CSPLAT_TILE_SIZE;
    b.y0 = (tile / tiles_x) * CSPLAT_TILE_SIZE;
    b.w = in->width - b.x0 < CSPLAT_TILE_SIZE ? in->width - b.x0 : CSPLAT_TILE_SIZE;
    b.h = in->height - b.y0 < CSPLAT_TILE_SIZE ? in->height - b.y0 : CSPLAT_TILE_SIZE;
    return b;
}

// The pixels of the tile (columns [c0, c1), rows [r0, r1), tile-relative) outside of which the
// splat's alpha is certainly below alpha_min: the ellipse dᵀ K d <= 2 ln(o / alpha_min) has half
// extents sqrt(2 ln(o / alpha_min) Σxx) and sqrt(... Σyy) with Σ = K⁻¹; a 0.01 px margin covers
// rounding. Forward and backward use this same function so they visit the same pixels.
// Returns 0 when the box is empty.
static inline int splat_pixel_box(const splat_tile_box *t, float mx, float my, const float *k,
                                  float opacity, float alpha_min, int32_t box[4]) {
    float ex = 1e30f, ey = 1e30f;
    if (alpha_min > 0) {
        if (!(opacity >= alpha_min)) return 0;
        float det = k[0] * k[2] - k[1] * k[1];
        float r2 = 2.0f * logf(opacity / alpha_min);
        ex = sqrtf(fmaxf(r2 * k[2] / det, 0.0f)) + 0.01f;
        ey = sqrtf(fmaxf(r2 * k[0] / det, 0.0f)) + 0.01f;
    }
    // Pixel column c has its centre at c + 0.5.
    float lo_x = fmaxf(ceilf(mx - ex - 0.5f) - (float)t->x0, 0.0f);
    float hi_x = fminf(floorf(mx + ex - 0.5f) - (float)t->x0 + 1.0f, (float)t->w);
    float lo_y = fmaxf(ceilf(my - ey - 0.5f) - (float)t->y0, 0.0f);
    float hi_y = fminf(floorf(my + ey - 0.5f) - (float)t->y0 + 1.0f, (float)t->h);
    if (!(lo_x < hi_x && lo_y < hi_y)) return 0;
    box[0] = (int32_t)lo_x; box[1] = (int32_t)hi_x; box[2] = (int32_t)lo_y; box[3] = (int32_t)hi_y;
    return 1;
}

#endif
