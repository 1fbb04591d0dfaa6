// Brute-force reference rasterizer in double precision: every pixel, every splat.
#include "csplat_reference.h"
#include <math.h>

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

void csplat_reference_rasterize(const csplat_ref_splat *s, int32_t count, int32_t width,
                                int32_t height, const double *background,
                                csplat_blend_options opt, int32_t *order, double *color,
                                double *alpha, double *depth, uint64_t *signature) {
    uint64_t sig = 0;
    // Visible splats, insertion-sorted by depth; equal depths keep index order.
    int32_t n = 0;
    for (int32_t i = 0; i < count; i++) {
        sig = mix(sig, (uint64_t)s[i].visible);
        if (!s[i].visible) continue;
        for (int k = 0; k < 4; k++) sig = mix(sig, (uint64_t)s[i].rect[k]);
        for (int k = 0; k < 3; k++) sig = mix(sig, (uint64_t)s[i].clamped[k]);
        int32_t at = n++;
        while (at > 0 && s[order[at - 1]].depth > s[i].depth) { order[at] = order[at - 1]; at--; }
        order[at] = i;
    }
    for (int32_t py = 0; py < height; py++)
        for (int32_t px = 0; px < width; px++) {
            int32_t tx = px / CSPLAT_TILE_SIZE, ty = py / CSPLAT_TILE_SIZE;
            double t = 1, c[3] = {0, 0, 0}, d = 0;
            int64_t k = 0;
            for (int32_t o = 0; o < n; o++) {
                const csplat_ref_splat *g = s + order[o];
                if (tx < g->rect[0] || tx >= g->rect[2] || ty < g->rect[1] || ty >= g->rect[3]) continue;
                double dx = g->mean2d[0] - (px + 0.5), dy = g->mean2d[1] - (py + 0.5); // pixel centre
                double power = -0.5 * (g->conic[0] * dx * dx + g->conic[2] * dy * dy) - g->conic[1] * dx * dy;
                if (power > 0) continue;
                double raw = g->opacity * exp(power);
                double a = raw < opt.alpha_max ? raw : opt.alpha_max;
                if (a < opt.alpha_min) continue;
                if (t * (1 - a) < opt.transmittance_min) { sig = mix(sig, 0xdeadull + (uint64_t)order[o]); break; }
                if (raw >= opt.alpha_max) sig = mix(sig, 0xc1a3ull);
                sig = mix(sig, ((uint64_t)(py * width + px) << 32) ^ ((uint64_t)order[o] << 8) ^ (uint64_t)k++);
                for (int ch = 0; ch < 3; ch++) c[ch] += g->color[ch] * a * t;
                d += g->depth * a * t;
                t *= 1 - a;
            }
            size_t i = (size_t)py * width + px;
            for (int ch = 0; ch < 3; ch++) color[3 * i + ch] = c[ch] + t * (background ? background[ch] : 0);
            alpha[i] = 1 - t;
            depth[i] = d;
        }
    *signature = sig;
}
