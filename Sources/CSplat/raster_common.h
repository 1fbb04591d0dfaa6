// Helpers of the forward and backward rasterizer (not public).
#ifndef CSPLAT_RASTER_COMMON_H
#define CSPLAT_RASTER_COMMON_H

#include <math.h>
#include "csplat_rasterize.h"

// Entries ahead whose splat record (and, backward, gradient slot) are prefetched: the records
// are read in depth order, i.e. at random, and would otherwise stall on memory.
#define SPLAT_PREFETCH_AHEAD 8

// Columns evaluated together by the pixel loops (one AVX2 register of floats).
#define SPLAT_LANES 8

// The Gaussian's exponent in base 2, log2(e) (-½ dᵀ K d) at offset d = (dx, dy) from the mean,
// as dx (a dx + b dy) + c dy² with a = -½ K00 log2(e), b = -K01 log2(e), c = -½ K11 log2(e):
// two fused multiply-adds per pixel (power8 in raster_vector.h) once a row's b dy and c dy² are
// known. Forward and backward compute it alike so that they decide alike which pixels a splat
// reaches.
typedef struct { float a, b, c; } splat_falloff;
typedef struct { float a, b_dy, c_dy2; } splat_falloff_row;

static inline splat_falloff splat_falloff_of(const csplat_blend_splat *s) {
    const float log2e = 1.44269504088896341f;
    splat_falloff f = {-0.5f * log2e * s->conic[0], -log2e * s->conic[1], -0.5f * log2e * s->conic[2]};
    return f;
}

static inline splat_falloff_row splat_falloff_at_row(splat_falloff f, float dy) {
    splat_falloff_row r = {f.a, f.b * dy, f.c * dy * dy};
    return r;
}

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

// Pixel-centre x of each column of the tile, (float)(x0 + col) + 0.5, looked up by the pixel
// loops: computing it there from the column index costs a dozen shuffles per group of lanes.
static inline void splat_column_centres(const splat_tile_box *t, float centres[CSPLAT_TILE_SIZE]) {
    for (int32_t col = 0; col < CSPLAT_TILE_SIZE; col++) centres[col] = (float)(t->x0 + col) + 0.5f;
}

// The pixels of the tile (columns [box[0], box[1]), rows [box[2], box[3]), tile-relative)
// outside of which the splat's alpha is certainly below alpha_min (see csplat_blend_splat).
// The forward visits these pixels (the backward only the rows and groups of them where the
// forward found a contribution; csplat_trim_tile_rects bounds tiles with the same expressions).
// Returns 0 when the box is empty.
static inline int splat_pixel_box(const splat_tile_box *t, const csplat_blend_splat *s, int32_t box[4]) {
    const float mx = s->mean[0], my = s->mean[1], ex = s->extent[0], ey = s->extent[1];
    if (!(ex >= 0 && ey >= 0)) return 0;
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
