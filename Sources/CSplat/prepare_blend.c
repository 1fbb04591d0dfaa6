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
