// Forward projection of splats: see csplat_project.h.
//
// Splats go through in blocks of SPLAT_BLOCK. Every step is a loop over the block's lanes with
// no branches and no library calls, which the compiler turns into AVX2 code eight splats wide;
// culled splats are computed like the others and only their outputs are zeroed. A block that
// runs past the range's end repeats its last splat in the spare lanes (computed, never written),
// so every splat goes through the same code whatever the range split.
#include "csplat_project.h"
#include "project_common.h"
#include "lane_transpose.h"
#include <string.h>


// Tile index of a pixel coordinate, clamped to [0, tiles] before converting to int
// (× 1/16 equals ÷ 16 exactly).
static inline int32_t tile_floor(float v, int32_t tiles) {
    float f = floorf(v * (1.0f / CSPLAT_TILE_SIZE));
    return (int32_t)fminf(fmaxf(f, 0.0f), (float)tiles);
}

void csplat_project(const csplat_gaussians *g, const csplat_camera *c,
                    const csplat_projected *o, int32_t begin, int32_t end) {
    const int32_t tiles_x = csplat_tiles_x(c->width), tiles_y = csplat_tiles_y(c->height);
    const splat_camera_constants k = splat_camera_setup(c);
    const int32_t degree = g->sh_degree, coeffs = (degree + 1) * (degree + 1);
    const size_t sh_row = (size_t)g->sh_stride * 3;
    for (int32_t block = begin; block < end; block += SPLAT_BLOCK) {
        const int32_t n = end - block < SPLAT_BLOCK ? end - block : SPLAT_BLOCK;
        int32_t index[SPLAT_BLOCK];
        splat_block_indices(block, n, index);

        float u[SPLAT_BLOCK], v[SPLAT_BLOCK], ka[SPLAT_BLOCK], kb[SPLAT_BLOCK], kc[SPLAT_BLOCK];
        float depth[SPLAT_BLOCK], opacity[SPLAT_BLOCK], radius[SPLAT_BLOCK];
        float dir_x[SPLAT_BLOCK], dir_y[SPLAT_BLOCK], dir_z[SPLAT_BLOCK];
        int32_t x0[SPLAT_BLOCK], y0[SPLAT_BLOCK], x1[SPLAT_BLOCK], y1[SPLAT_BLOCK], keep[SPLAT_BLOCK];
        for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
            const int32_t i = index[l];
            splat_projection sp;
            splat_camera_point(c, g->means + 3 * i, sp.p);
            splat_project_covariance(c, &k, g->log_scales + 3 * i, g->rotations + 4 * i, &sp);
            const float a = sp.cov2d[0], b = sp.cov2d[1], cc = sp.cov2d[2];
            const float det = a * cc - b * b;
            const float mid = 0.5f * (a + cc);
            const float lambda = mid + sqrtf(fmaxf(0.1f, mid * mid - det));
            const float r = ceilf(3.0f * sqrtf(lambda));
            const float z = sp.p[2];
            const float pu = c->fx * sp.p[0] / z + c->cx, pv = c->fy * sp.p[1] / z + c->cy;
            x0[l] = tile_floor(pu - r, tiles_x);
            x1[l] = tile_floor(pu + r + CSPLAT_TILE_SIZE - 1, tiles_x);
            y0[l] = tile_floor(pv - r, tiles_y);
            y1[l] = tile_floor(pv + r + CSPLAT_TILE_SIZE - 1, tiles_y);
            keep[l] = (z > c->near_plane) & (det > 0) & (x1[l] > x0[l]) & (y1[l] > y0[l]);
            u[l] = pu; v[l] = pv;
            ka[l] = cc / det; kb[l] = -b / det; kc[l] = a / det;
            depth[l] = z;
            radius[l] = fminf(r, 1e9f);
            opacity[l] = 1.0f / (1.0f + splat_exp_any(-g->opacity_logits[i]));
            float d[3];
            splat_view_direction(&k, g->means + 3 * i, d);
            dir_x[l] = d[0]; dir_y[l] = d[1]; dir_z[l] = d[2];
        }

        // SH colour: coefficient by coefficient over the lanes, each splat's sum in the
        // order of its coefficients.
        float basis[CSPLAT_MAX_SH_COEFFS][SPLAT_BLOCK];
        for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
            float b[CSPLAT_MAX_SH_COEFFS];
            splat_sh_basis(CSPLAT_MAX_SH_DEGREE, dir_x[l], dir_y[l], dir_z[l], b);
            for (int32_t q = 0; q < CSPLAT_MAX_SH_COEFFS; q++) basis[q][l] = b[q];
        }
        // The coefficients, [coefficient][channel] in rows, as lane columns (lane_transpose.h).
        float sh[3 * CSPLAT_MAX_SH_COEFFS][SPLAT_BLOCK];
        for (int32_t l0 = 0; l0 < SPLAT_BLOCK; l0 += 8) {
            const float *rows[8];
            for (int l = 0; l < 8; l++) rows[l] = g->sh + (size_t)index[l0 + l] * sh_row;
            splat_rows_to_lanes(rows, 3 * coeffs, &sh[0][l0], SPLAT_BLOCK);
        }
        float col[3][SPLAT_BLOCK];
        for (int ch = 0; ch < 3; ch++)
            for (int32_t l = 0; l < SPLAT_BLOCK; l++) col[ch][l] = 0.5f;
        for (int32_t q = 0; q < coeffs; q++)
            for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
                col[0][l] += basis[q][l] * sh[3 * q][l];
                col[1][l] += basis[q][l] * sh[3 * q + 1][l];
                col[2][l] += basis[q][l] * sh[3 * q + 2][l];
            }
        if (o->color_jacobians) {
            // d colour_ch / d dir_a = Σ_q d basis_q / d dir_a · coefficient_q,ch (basis 0 is
            // constant). Over every coefficient, those above the evaluated degree zeroed, so that
            // the loop over them unrolls and the lanes vectorise.
            for (int32_t k = 3 * coeffs; k < 3 * CSPLAT_MAX_SH_COEFFS; k++)
                for (int32_t l = 0; l < SPLAT_BLOCK; l++) sh[k][l] = 0.0f;
            float jac[9][SPLAT_BLOCK];
#pragma clang loop vectorize_width(8)
            for (int32_t l = 0; l < SPLAT_BLOCK; l++) {
                float gx[CSPLAT_MAX_SH_COEFFS], gy[CSPLAT_MAX_SH_COEFFS], gz[CSPLAT_MAX_SH_COEFFS];
                splat_sh_basis_grad(CSPLAT_MAX_SH_DEGREE, dir_x[l], dir_y[l], dir_z[l], gx, gy, gz);
                float j[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
#pragma clang loop unroll(full)
                for (int32_t q = 1; q < CSPLAT_MAX_SH_COEFFS; q++)
#pragma clang loop unroll(full)
                    for (int ch = 0; ch < 3; ch++) {
                        if (SH_GRAD_NONZERO[0][q]) j[ch] += gx[q] * sh[3 * q + ch][l];
                        if (SH_GRAD_NONZERO[1][q]) j[3 + ch] += gy[q] * sh[3 * q + ch][l];
                        if (SH_GRAD_NONZERO[2][q]) j[6 + ch] += gz[q] * sh[3 * q + ch][l];
                    }
#pragma clang loop unroll(full)
                for (int k = 0; k < 9; k++) jac[k][l] = j[k];
            }
            for (int k = 0; k < 9; k++)
                for (int32_t l = 0; l < n; l++) o->color_jacobians[(size_t)k * g->count + block + l] = jac[k][l];
        }

        for (int32_t l = 0; l < n; l++) {
            const int32_t i = block + l;
            if (!keep[l]) {
                o->means2d[2 * i] = o->means2d[2 * i + 1] = 0;
                o->conics[3 * i] = o->conics[3 * i + 1] = o->conics[3 * i + 2] = 0;
                o->depths[i] = 0;
                o->opacities[i] = 0;
                o->colors[3 * i] = o->colors[3 * i + 1] = o->colors[3 * i + 2] = 0;
                o->radii[i] = 0;
                memset(o->tile_rects + 4 * i, 0, 4 * sizeof(int32_t));
                o->tiles_touched[i] = 0;
                o->clamped[3 * i] = o->clamped[3 * i + 1] = o->clamped[3 * i + 2] = 0;
                continue;
            }
            o->means2d[2 * i] = u[l]; o->means2d[2 * i + 1] = v[l];
            o->conics[3 * i] = ka[l]; o->conics[3 * i + 1] = kb[l]; o->conics[3 * i + 2] = kc[l];
            o->depths[i] = depth[l];
            o->radii[i] = (int32_t)radius[l];
            int32_t *rect = o->tile_rects + 4 * i;
            rect[0] = x0[l]; rect[1] = y0[l]; rect[2] = x1[l]; rect[3] = y1[l];
            o->tiles_touched[i] = (uint32_t)((x1[l] - x0[l]) * (y1[l] - y0[l]));
            o->opacities[i] = opacity[l];
            for (int ch = 0; ch < 3; ch++) {
                o->clamped[3 * i + ch] = col[ch][l] < 0;
                o->colors[3 * i + ch] = col[ch][l] < 0 ? 0 : col[ch][l];
            }
        }
    }
}
