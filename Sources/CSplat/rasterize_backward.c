// Backward tile rasterizer (csplat_rasterize.h). Walks each tile's entries back to front from
// the saved final transmittance, undoing T one splat at a time (T_before = T_after / (1 - alpha)),
// and keeps per pixel the colour and depth of everything behind the current splat, normalised by
// the transmittance in front of it ("acc"), so that
//   dC/dalpha_k = T_k (c_k - acc_k) - T_final background / (1 - alpha_k),
//   dA/dalpha_k = T_final / (1 - alpha_k)   (A = 1 - T_final is the alpha output).
#include "csplat_rasterize.h"
#include "fast_exp.h"
#include "raster_common.h"
#include <string.h>

enum { NG = CSPLAT_GRAD_STRIDE, TS = CSPLAT_TILE_SIZE, TP = CSPLAT_TILE_PIXELS };

void csplat_rasterize_backward(const csplat_raster_input *in, const csplat_raster_output *fw,
                               const float *d_color, const float *d_alpha, const float *d_depth,
                               float *entry_grads, int32_t tile_begin, int32_t tile_end) {
    const float alpha_min = in->options.alpha_min, alpha_max = in->options.alpha_max;
    const float zero_bg[3] = {0, 0, 0};
    const float *bg = in->background ? in->background : zero_bg;
    for (int32_t tile = tile_begin; tile < tile_end; tile++) {
        splat_tile_box tb = splat_tile(in, tile);
        uint32_t begin = in->tile_ranges[2 * tile], end = in->tile_ranges[2 * tile + 1];
        // Per pixel: upstream gradients, transmittance walked backwards, accumulated colour/depth.
        float gr[TP], gg[TP], gb[TP], gz[TP], g_final[TP], trans[TP];
        float acc_r[TP], acc_g[TP], acc_b[TP], acc_z[TP];
        uint32_t last[TP];
        uint32_t max_last = begin;
        for (int i = 0; i < TP; i++) {
            gr[i] = gg[i] = gb[i] = gz[i] = g_final[i] = 0; trans[i] = 1;
            acc_r[i] = acc_g[i] = acc_b[i] = acc_z[i] = 0; last[i] = begin;
        }
        for (int32_t row = 0; row < tb.h; row++)
            for (int32_t col = 0; col < tb.w; col++) {
                const int32_t i = row * TS + col;
                const size_t o = (size_t)(tb.y0 + row) * in->width + (size_t)(tb.x0 + col);
                gr[i] = d_color[3 * o]; gg[i] = d_color[3 * o + 1]; gb[i] = d_color[3 * o + 2];
                gz[i] = d_depth ? d_depth[o] : 0.0f;
                trans[i] = fw->final_transmittance[o];
                // Background and alpha output both depend on T_final only.
                float d_a = d_alpha ? d_alpha[o] : 0.0f;
                g_final[i] = (d_a - (bg[0] * gr[i] + bg[1] * gg[i] + bg[2] * gb[i])) * trans[i];
                last[i] = fw->last_entries[o];
                if (last[i] > max_last) max_last = last[i];
            }
        // Per group of columns in each row, one past the last entry any of its pixels used:
        // entries at or beyond it change nothing there.
        uint32_t group_last[TS][TS / SPLAT_LANES];
        for (int32_t row = 0; row < TS; row++)
            for (int32_t group = 0; group < TS / SPLAT_LANES; group++) {
                uint32_t m = begin;
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++) {
                    uint32_t l = last[row * TS + group * SPLAT_LANES + lane];
                    m = l > m ? l : m;
                }
                group_last[row][group] = m;
            }
        for (uint32_t p = max_last; p < end; p++)
            memset(entry_grads + (size_t)in->sorted_entries[p] * NG, 0, NG * sizeof(float));

        for (uint32_t p = max_last; p-- > begin;) {
            if (p >= begin + SPLAT_PREFETCH_AHEAD) {
                __builtin_prefetch(in->splats + in->sorted_splats[p - SPLAT_PREFETCH_AHEAD]);
                __builtin_prefetch(entry_grads + (size_t)in->sorted_entries[p - SPLAT_PREFETCH_AHEAD] * NG, 1);
            }
            float *out = entry_grads + (size_t)in->sorted_entries[p] * NG;
            memset(out, 0, NG * sizeof(float));
            const csplat_blend_splat *sp = in->splats + in->sorted_splats[p];
            int32_t box[4];
            if (!splat_pixel_box(&tb, sp, box)) continue;
            const float mx = sp->mean[0], my = sp->mean[1];
            const float ka = sp->conic[0], kb = sp->conic[1], kc = sp->conic[2], op = sp->opacity, z = sp->depth;
            const float cr = sp->color[0], cg = sp->color[1], cb = sp->color[2];
            // Per-column partial sums keep the pixel loop vectorisable and the sum order fixed.
            float partial[NG][TS];
            memset(partial, 0, sizeof partial);
            for (int32_t row = box[2]; row < box[3]; row++) {
                const float dy = my - ((float)(tb.y0 + row) + 0.5f);
                const int32_t base = row * TS;
                // Whole groups of columns, as in the forward pass.
                for (int32_t group = box[0] / SPLAT_LANES; group * SPLAT_LANES < box[1]; group++) {
                if (p >= group_last[row][group]) continue;
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++) {
                    const int32_t col = group * SPLAT_LANES + lane;
                    const int32_t i = base + col;
                    const float dx = mx - ((float)(tb.x0 + col) + 0.5f);
                    const float power = -0.5f * (ka * dx * dx + kc * dy * dy) - kb * dx * dy;
                    const float gauss = splat_exp(power);
                    const float raw = op * gauss;
                    const float alpha = fminf(alpha_max, raw);
                    const int32_t ok = (p < last[i]) & (power <= 0.0f) & (alpha >= alpha_min);
                    const float one_minus = 1.0f - alpha;
                    const float inv = 1.0f / one_minus;
                    const float before = trans[i] * inv;
                    const float w = alpha * before;
                    const float d_alpha_k = before * ((cr - acc_r[i]) * gr[i] + (cg - acc_g[i]) * gg[i] +
                                                      (cb - acc_b[i]) * gb[i] + (z - acc_z[i]) * gz[i]) +
                                            g_final[i] * inv;
                    const float live = ok ? 1.0f : 0.0f;
                    const float unclamped = (ok && raw < alpha_max) ? 1.0f : 0.0f;
                    const float d_power = unclamped * alpha * d_alpha_k;
                    partial[CSPLAT_GRAD_COLOR_R][col] += live * w * gr[i];
                    partial[CSPLAT_GRAD_COLOR_G][col] += live * w * gg[i];
                    partial[CSPLAT_GRAD_COLOR_B][col] += live * w * gb[i];
                    partial[CSPLAT_GRAD_DEPTH][col] += live * w * gz[i];
                    partial[CSPLAT_GRAD_OPACITY][col] += unclamped * gauss * d_alpha_k;
                    partial[CSPLAT_GRAD_MEAN2D_X][col] -= d_power * (ka * dx + kb * dy);
                    partial[CSPLAT_GRAD_MEAN2D_Y][col] -= d_power * (kb * dx + kc * dy);
                    partial[CSPLAT_GRAD_CONIC_A][col] -= 0.5f * d_power * dx * dx;
                    partial[CSPLAT_GRAD_CONIC_B][col] -= d_power * dx * dy;
                    partial[CSPLAT_GRAD_CONIC_C][col] -= 0.5f * d_power * dy * dy;
                    acc_r[i] = ok ? alpha * cr + one_minus * acc_r[i] : acc_r[i];
                    acc_g[i] = ok ? alpha * cg + one_minus * acc_g[i] : acc_g[i];
                    acc_b[i] = ok ? alpha * cb + one_minus * acc_b[i] : acc_b[i];
                    acc_z[i] = ok ? alpha * z + one_minus * acc_z[i] : acc_z[i];
                    trans[i] = ok ? before : trans[i];
                }
                }
            }
            for (int g = 0; g < NG; g++) {
                float sum = 0;
                for (int32_t col = 0; col < TS; col++) sum += partial[g][col];
                out[g] = sum;
            }
        }
    }
}
