// Forward projection of splats: see csplat_project.h.
#include "csplat_project.h"
#include "project_common.h"
#include <string.h>

static void cull(const csplat_projected *o, int32_t i) {
    o->means2d[2 * i] = o->means2d[2 * i + 1] = 0;
    o->conics[3 * i] = o->conics[3 * i + 1] = o->conics[3 * i + 2] = 0;
    o->depths[i] = 0;
    o->opacities[i] = 0;
    o->colors[3 * i] = o->colors[3 * i + 1] = o->colors[3 * i + 2] = 0;
    o->radii[i] = 0;
    memset(o->tile_rects + 4 * i, 0, 4 * sizeof(int32_t));
    o->tiles_touched[i] = 0;
    o->clamped[3 * i] = o->clamped[3 * i + 1] = o->clamped[3 * i + 2] = 0;
}

// Tile index of a pixel coordinate, clamped to [0, tiles] before converting to int.
static int32_t tile_floor(float v, int32_t tiles) {
    float f = floorf(v / CSPLAT_TILE_SIZE);
    return (int32_t)fminf(fmaxf(f, 0.0f), (float)tiles);
}

void csplat_project(const csplat_gaussians *g, const csplat_camera *c,
                    const csplat_projected *o, int32_t begin, int32_t end) {
    int32_t tiles_x = csplat_tiles_x(c->width), tiles_y = csplat_tiles_y(c->height);
    const splat_camera_constants k = splat_camera_setup(c);
    for (int32_t i = begin; i < end; i++) {
        splat_projection sp;
        splat_camera_point(c, g->means + 3 * i, sp.p);
        if (!(sp.p[2] > c->near_plane)) { cull(o, i); continue; }
        splat_project_covariance(c, &k, g->log_scales + 3 * i, g->rotations + 4 * i, &sp);
        float a = sp.cov2d[0], b = sp.cov2d[1], cc = sp.cov2d[2];
        float det = a * cc - b * b;
        if (!(det > 0)) { cull(o, i); continue; }
        float mid = 0.5f * (a + cc);
        float lambda = mid + sqrtf(fmaxf(0.1f, mid * mid - det));
        float radius = ceilf(3.0f * sqrtf(lambda));
        float u = c->fx * sp.p[0] / sp.p[2] + c->cx, v = c->fy * sp.p[1] / sp.p[2] + c->cy;
        int32_t x0 = tile_floor(u - radius, tiles_x), x1 = tile_floor(u + radius + CSPLAT_TILE_SIZE - 1, tiles_x);
        int32_t y0 = tile_floor(v - radius, tiles_y), y1 = tile_floor(v + radius + CSPLAT_TILE_SIZE - 1, tiles_y);
        if (x1 <= x0 || y1 <= y0) { cull(o, i); continue; }

        o->means2d[2 * i] = u; o->means2d[2 * i + 1] = v;
        o->conics[3 * i] = cc / det; o->conics[3 * i + 1] = -b / det; o->conics[3 * i + 2] = a / det;
        o->depths[i] = sp.p[2];
        o->radii[i] = (int32_t)fminf(radius, 1e9f);
        int32_t *rect = o->tile_rects + 4 * i;
        rect[0] = x0; rect[1] = y0; rect[2] = x1; rect[3] = y1;
        o->tiles_touched[i] = (uint32_t)((x1 - x0) * (y1 - y0));
        o->opacities[i] = 1.0f / (1.0f + expf(-g->opacity_logits[i]));

        float dir[3], basis[CSPLAT_MAX_SH_COEFFS];
        splat_view_direction(&k, g->means + 3 * i, dir);
        splat_sh_basis(g->sh_degree, dir[0], dir[1], dir[2], basis);
        int32_t coeffs = (g->sh_degree + 1) * (g->sh_degree + 1);
        const float *sh = g->sh + (size_t)i * g->sh_stride * 3;
        float col[3] = {0.5f, 0.5f, 0.5f};
        for (int32_t k = 0; k < coeffs; k++)
            for (int ch = 0; ch < 3; ch++) col[ch] += basis[k] * sh[3 * k + ch];
        for (int ch = 0; ch < 3; ch++) {
            o->clamped[3 * i + ch] = col[ch] < 0;
            o->colors[3 * i + ch] = col[ch] < 0 ? 0 : col[ch];
        }
    }
}
