// Packing of projected splats for the blend loops (csplat_rasterize.h).
#include "csplat_rasterize.h"
#include <math.h>
#include "fast_exp.h"

void csplat_prepare_blend(const csplat_projected *p, csplat_blend_options options,
                          csplat_blend_splat *out, int32_t begin, int32_t end) {
    const float alpha_min = options.alpha_min;
    // Branch-free (selects) and without libm's logf, so that the loop vectorises.
    for (int32_t i = begin; i < end; i++) {
        csplat_blend_splat *s = out + i;
        const float *k = p->conics + 3 * i;
        const float op = p->opacities[i];
        s->mean[0] = p->means2d[2 * i]; s->mean[1] = p->means2d[2 * i + 1];
        s->conic[0] = k[0]; s->conic[1] = k[1]; s->conic[2] = k[2];
        s->opacity = op;
        s->color[0] = p->colors[3 * i]; s->color[1] = p->colors[3 * i + 1]; s->color[2] = p->colors[3 * i + 2];
        s->depth = p->depths[i];
        const int never = p->radii[i] == 0 || (alpha_min > 0 && !(op >= alpha_min));
        // op / alpha_min >= 1 where it is used; the max keeps the log's argument a normal float.
        const float det = k[0] * k[2] - k[1] * k[1];
        const float r2 = 2.0f * splat_log_positive(fmaxf(op / alpha_min, 1.0f));
        const float ex = sqrtf(fmaxf(r2 * k[2] / det, 0.0f)) + 0.01f;
        const float ey = sqrtf(fmaxf(r2 * k[0] / det, 0.0f)) + 0.01f;
        s->extent[0] = never ? -1.0f : (alpha_min > 0 ? ex : 1e30f);
        s->extent[1] = never ? -1.0f : (alpha_min > 0 ? ey : 1e30f);
    }
}

void csplat_trim_tile_rects(const csplat_projected *p, const csplat_blend_splat *splats, int32_t begin, int32_t end) {
    const float ts = (float)CSPLAT_TILE_SIZE;
    // Branch-free (selects), so that the loop vectorises.
    for (int32_t i = begin; i < end; i++) {
        const csplat_blend_splat *s = splats + i;
        int32_t *r = p->tile_rects + 4 * i;
        const float mx = s->mean[0], my = s->mean[1], ex = s->extent[0], ey = s->extent[1];
        // The pixel columns splat_pixel_box (raster_common.h) can return are
        // [ceil(mx - ex - 0.5), floor(mx + ex - 0.5)], the same float expressions; their tiles
        // are those integers divided by the tile size (exact), rounded down. fmaxf/fminf keep
        // the old bound where a value is NaN.
        const float x0 = fmaxf((float)r[0], floorf(ceilf(mx - ex - 0.5f) / ts));
        const float x1 = fminf((float)r[2], floorf(floorf(mx + ex - 0.5f) / ts) + 1.0f);
        const float y0 = fmaxf((float)r[1], floorf(ceilf(my - ey - 0.5f) / ts));
        const float y1 = fminf((float)r[3], floorf(floorf(my + ey - 0.5f) / ts) + 1.0f);
        const int keep = (p->tiles_touched[i] != 0) & (ex >= 0.0f) & (ey >= 0.0f) & (x0 < x1) & (y0 < y1);
        // Within the old rectangle when kept, so the conversions are exact.
        r[0] = (int32_t)(keep ? x0 : 0.0f); r[1] = (int32_t)(keep ? y0 : 0.0f);
        r[2] = (int32_t)(keep ? x1 : 0.0f); r[3] = (int32_t)(keep ? y1 : 0.0f);
        p->tiles_touched[i] = (uint32_t)((r[2] - r[0]) * (r[3] - r[1]));
    }
}
