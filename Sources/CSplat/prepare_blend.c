// Packing of projected splats for the blend loops (csplat_rasterize.h).
#include "csplat_rasterize.h"
#include <math.h>

void csplat_prepare_blend(const csplat_projected *p, csplat_blend_options options,
                          csplat_blend_splat *out, int32_t begin, int32_t end) {
    const float alpha_min = options.alpha_min;
    for (int32_t i = begin; i < end; i++) {
        csplat_blend_splat *s = out + i;
        const float *k = p->conics + 3 * i;
        const float op = p->opacities[i];
        s->mean[0] = p->means2d[2 * i]; s->mean[1] = p->means2d[2 * i + 1];
        s->conic[0] = k[0]; s->conic[1] = k[1]; s->conic[2] = k[2];
        s->opacity = op;
        s->color[0] = p->colors[3 * i]; s->color[1] = p->colors[3 * i + 1]; s->color[2] = p->colors[3 * i + 2];
        s->depth = p->depths[i];
        if (p->radii[i] == 0 || (alpha_min > 0 && !(op >= alpha_min))) {
            s->extent[0] = s->extent[1] = -1.0f;
        } else if (alpha_min > 0) {
            float det = k[0] * k[2] - k[1] * k[1];
            float r2 = 2.0f * logf(op / alpha_min);
            s->extent[0] = sqrtf(fmaxf(r2 * k[2] / det, 0.0f)) + 0.01f;
            s->extent[1] = sqrtf(fmaxf(r2 * k[0] / det, 0.0f)) + 0.01f;
        } else {
            s->extent[0] = s->extent[1] = 1e30f;
        }
    }
}

void csplat_trim_tile_rects(const csplat_projected *p, const csplat_blend_splat *splats, int32_t begin, int32_t end) {
    const float ts = (float)CSPLAT_TILE_SIZE;
    for (int32_t i = begin; i < end; i++) {
        if (p->tiles_touched[i] == 0) continue;
        const csplat_blend_splat *s = splats + i;
        int32_t *r = p->tile_rects + 4 * i;
        const float mx = s->mean[0], my = s->mean[1], ex = s->extent[0], ey = s->extent[1];
        // The pixel columns splat_pixel_box (raster_common.h) can return are
        // [ceil(mx - ex - 0.5), floor(mx + ex - 0.5)], the same float expressions; their tiles
        // are those integers divided by the tile size (exact), rounded down. fmaxf/fminf keep
        // the old bound where a value is NaN.
        float x0 = (float)r[0], y0 = (float)r[1], x1 = (float)r[2], y1 = (float)r[3];
        if (ex >= 0 && ey >= 0) {
            x0 = fmaxf(x0, floorf(ceilf(mx - ex - 0.5f) / ts));
            x1 = fminf(x1, floorf(floorf(mx + ex - 0.5f) / ts) + 1.0f);
            y0 = fmaxf(y0, floorf(ceilf(my - ey - 0.5f) / ts));
            y1 = fminf(y1, floorf(floorf(my + ey - 0.5f) / ts) + 1.0f);
        }
        if (!(ex >= 0 && ey >= 0) || !(x0 < x1 && y0 < y1)) {
            r[0] = r[1] = r[2] = r[3] = 0;
            p->tiles_touched[i] = 0;
            continue;
        }
        r[0] = (int32_t)x0; r[1] = (int32_t)y0; r[2] = (int32_t)x1; r[3] = (int32_t)y1;
        p->tiles_touched[i] = (uint32_t)((r[2] - r[0]) * (r[3] - r[1]));
    }
}
