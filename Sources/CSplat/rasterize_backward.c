// Backward tile rasterizer (csplat_rasterize.h). Walks each tile's entries back to front from
// the saved final transmittance, undoing T one splat at a time (T_before = T_after / (1 - alpha)).
// With g the pixel's upstream gradient of colour and depth, d_k = (c_k, z_k) · g and
// w_k = alpha_k T_k, the loss gradient of alpha_k is
//   dL/dalpha_k = T_k d_k + (G_final - Σ_{j>k} d_j w_j) / (1 - alpha_k),
// where G_final = (dL/dA - background · g) T_final gathers what depends on T_final only
// (background and the alpha output A = 1 - T_final). One float per pixel ("rest") carries the
// bracket, updated as each splat is passed.
#include "csplat_rasterize.h"
#include "raster_common.h"
#include "raster_vector.h"
#include <string.h>

enum { NG = CSPLAT_GRAD_STRIDE, TS = CSPLAT_TILE_SIZE, TP = CSPLAT_TILE_PIXELS };
_Static_assert(TS == 2 * SPLAT_LANES && SPLAT_LANES == 8, "a tile row is two groups of 8 lanes");

// What a splat's pixels need, as vectors (the same value in every lane).
typedef struct { splat_f8 a, op, cr, cg, cb, z, alpha_min, alpha_max; splat_i8 p; } backward_splat;

// The per-splat sums, vectors of lanes. Colour: lane l sums columns l and l + SPLAT_LANES. The
// moments of the 2D mean and conic gradients, per pixel column ([0]: columns 0-7, [1]: 8-15):
// dx = m_x - x is the same in every row of a column, so Σ q dx = Σ_columns dx Σ_rows q (likewise
// dx², dx dy), and per pixel only q, q dy and q dy² are summed.
typedef struct { splat_f8 r, g, b, z, q[2], qy[2], qyy[2]; } backward_sums;

// The eight pixels of a group of columns of a row (tile index i0 of the first; dx their
// offsets from the mean; b_dy, c_dy2 the row's falloff terms): stepped back past the splat, their
// blending weight w = alpha T and moment weight q (d_power = op q; q is also the opacity's
// term, so the moments are summed of q and multiplied by op once) added to the sums. Pixels the
// splat did not reach (past the pixel's last entry, or alpha below alpha_min) get alpha 0, which
// leaves their transmittance and bracket as they were (division by 1, w = 0) and adds nothing.
// half (columns 8 half ... 8 half + 7) and with_depth are constants at each call.
static inline __attribute__((always_inline)) void backward_group(
    backward_sums *s, const backward_splat *k, const int half, int32_t i0, splat_f8 dx, splat_f8 b_dy,
    splat_f8 c_dy2, splat_f8 dy, splat_f8 dy2, const int32_t *last, float *trans, float *rest, const float *gr,
    const float *gg, const float *gb, const float *gz, const int with_depth) {
    const splat_f8 power = power8(k->a, b_dy, c_dy2, dx);
    const splat_f8 gauss = exp2_8(power);
    const splat_f8 raw = k->op * gauss;
    const splat_f8 alpha = raw < k->alpha_max ? raw : k->alpha_max;
    const splat_i8 ok = (k->p < load8i(last + i0)) & (power <= 0.0f) & (alpha >= k->alpha_min);
    const splat_f8 alpha_ok = ok ? alpha : 0.0f;
    const splat_f8 inv = 1.0f / (1.0f - alpha_ok);
    const splat_f8 before = load8(trans + i0) * inv;
    const splat_f8 w = alpha_ok * before;
    const splat_f8 g_r = load8(gr + i0), g_g = load8(gg + i0), g_b = load8(gb + i0);
    splat_f8 dot = fma8(k->cb, g_b, fma8(k->cg, g_g, k->cr * g_r));
    splat_f8 g_z = 0.0f;
    if (with_depth) {
        g_z = load8(gz + i0);
        dot = fma8(k->z, g_z, dot);
    }
    const splat_f8 rest_after = load8(rest + i0);
    const splat_f8 d_alpha = fma8(rest_after, inv, before * dot);
    // d gauss / d power = gauss for the natural exponent the moments refer to; zero where alpha
    // is clamped.
    const splat_f8 q = (ok & (raw < k->alpha_max)) ? gauss * d_alpha : 0.0f;
    store8(rest + i0, fma8(-dot, w, rest_after));
    store8(trans + i0, before);
    s->r = fma8(w, g_r, s->r);
    s->g = fma8(w, g_g, s->g);
    s->b = fma8(w, g_b, s->b);
    if (with_depth) s->z = fma8(w, g_z, s->z);
    s->q[half] += q;
    s->qy[half] = fma8(q, dy, s->qy[half]);
    s->qyy[half] = fma8(q, dy2, s->qyy[half]);
}

// Eight lanes summed as a fixed tree, ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)).
static inline float lane_sum(splat_f8 v) {
    return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

// One tile. with_depth is a constant at each call, so the depth terms vanish when training
// passes no depth gradient.
static inline __attribute__((always_inline)) void backward_tile(
    const csplat_raster_input *in, const csplat_raster_output *fw, const float *d_color, const float *d_alpha,
    const float *d_depth, const float *bg, const uint32_t *entry_indices, float *entry_grads, uint32_t *tile_stops,
    int32_t tile, const int with_depth) {
    const float alpha_min = in->options.alpha_min, alpha_max = in->options.alpha_max;
    splat_tile_box tb = splat_tile(in, tile);
    uint32_t begin = in->tile_ranges[2 * tile], end = in->tile_ranges[2 * tile + 1];
    // Per pixel: upstream gradients, transmittance walked backwards, the bracket above.
    float gr[TP], gg[TP], gb[TP], gz[TP], rest[TP], trans[TP];
    // Without d_alpha, a row of zeros: a select on d_alpha per pixel would vectorise into a
    // masked load, which on AMD takes a slow microcoded path when the pointer is NULL.
    const float zero_row[TS] = {0};
    // Entry indices fit in int32_t (csplat_rasterize_backward): signed compares vectorise in one
    // instruction, unsigned ones do not.
    int32_t last[TP];
    uint32_t max_last = begin;
    for (int i = 0; i < TP; i++) {
        gr[i] = gg[i] = gb[i] = gz[i] = rest[i] = 0; trans[i] = 1; last[i] = begin;
    }
    for (int32_t row = 0; row < tb.h; row++) {
        const float *alpha_row = d_alpha ? d_alpha + (size_t)(tb.y0 + row) * in->width + tb.x0 : zero_row;
        for (int32_t col = 0; col < tb.w; col++) {
            const int32_t i = row * TS + col;
            const size_t o = (size_t)(tb.y0 + row) * in->width + (size_t)(tb.x0 + col);
            gr[i] = d_color[3 * o]; gg[i] = d_color[3 * o + 1]; gb[i] = d_color[3 * o + 2];
            gz[i] = with_depth ? d_depth[o] : 0.0f;
            trans[i] = fw->final_transmittance[o];
            // Background and alpha output both depend on T_final only.
            rest[i] = (alpha_row[col] - (bg[0] * gr[i] + bg[1] * gg[i] + bg[2] * gb[i])) * trans[i];
            last[i] = (int32_t)fw->last_entries[o];
            if (fw->last_entries[o] > max_last) max_last = fw->last_entries[o];
        }
    }
    tile_stops[tile] = max_last;
    float col_x[TS];
    splat_column_centres(&tb, col_x);

    for (uint32_t p = max_last; p-- > begin;) {
        if (p >= begin + SPLAT_PREFETCH_AHEAD) {
            __builtin_prefetch(in->splats + in->sorted_splats[p - SPLAT_PREFETCH_AHEAD]);
            // The record's slot is in emission order, i.e. scattered: fetched for writing ahead.
            __builtin_prefetch(entry_grads + (size_t)entry_indices[p - SPLAT_PREFETCH_AHEAD] * NG, 1);
        }
        float *out = entry_grads + (size_t)entry_indices[p] * NG;
        // The rows and groups of columns where the splat contributed to a pixel (the forward's
        // record): elsewhere every pixel would add exact zeros and keep its state.
        uint32_t reached = fw->entry_rows[p];
        if (reached == 0) { memset(out, 0, NG * sizeof(float)); continue; }
        const csplat_blend_splat *sp = in->splats + in->sorted_splats[p];
        const float mx = sp->mean[0], my = sp->mean[1];
        const float ka = sp->conic[0], kb = sp->conic[1], kc = sp->conic[2], op = sp->opacity;
        const splat_falloff falloff = splat_falloff_of(sp);
        backward_splat k; // scalars assigned to vectors fill every lane
        k.a = falloff.a; k.op = op; k.cr = sp->color[0]; k.cg = sp->color[1]; k.cb = sp->color[2];
        k.z = sp->depth; k.alpha_min = alpha_min; k.alpha_max = alpha_max; k.p = (int32_t)p;
        const splat_f8 dx_lo = mx - load8(col_x), dx_hi = mx - load8(col_x + SPLAT_LANES);
        backward_sums sums;
        memset(&sums, 0, sizeof sums);
        while (reached) {
            const int32_t row = __builtin_ctz(reached) >> 1;
            const uint32_t groups = (reached >> (2 * row)) & 3;
            reached &= ~(3u << (2 * row));
            const float dy = my - ((float)(tb.y0 + row) + 0.5f);
            const splat_falloff_row fr = splat_falloff_at_row(falloff, dy);
            const splat_f8 b_dy = fr.b_dy, c_dy2 = fr.c_dy2, dy8 = dy, dy2 = dy * dy;
            const int32_t base = row * TS;
            if (groups & 1)
                backward_group(&sums, &k, 0, base, dx_lo, b_dy, c_dy2, dy8, dy2, last, trans, rest, gr, gg, gb, gz,
                               with_depth);
            if (groups & 2)
                backward_group(&sums, &k, 1, base + SPLAT_LANES, dx_hi, b_dy, c_dy2, dy8, dy2, last, trans, rest, gr,
                               gg, gb, gz, with_depth);
        }
        // The moments from the column sums (zero in columns the splat did not reach), each sum
        // over its lanes.
        const float s_op = lane_sum(sums.q[0] + sums.q[1]);
        const float s_x = lane_sum(sums.q[0] * dx_lo + sums.q[1] * dx_hi);
        const float s_xx = lane_sum(sums.q[0] * dx_lo * dx_lo + sums.q[1] * dx_hi * dx_hi);
        const float s_y = lane_sum(sums.qy[0] + sums.qy[1]);
        const float s_xy = lane_sum(sums.qy[0] * dx_lo + sums.qy[1] * dx_hi);
        const float s_yy = lane_sum(sums.qyy[0] + sums.qyy[1]);
        // power = -½ (a dx² + c dy²) - b dx dy with dx = m_x - x: dpower/dm_x = -(a dx + b dy).
        const float sx = op * s_x, sy = op * s_y;
        out[CSPLAT_GRAD_MEAN2D_X] = -(ka * sx + kb * sy);
        out[CSPLAT_GRAD_MEAN2D_Y] = -(kb * sx + kc * sy);
        out[CSPLAT_GRAD_CONIC_A] = -0.5f * op * s_xx;
        out[CSPLAT_GRAD_CONIC_B] = -op * s_xy;
        out[CSPLAT_GRAD_CONIC_C] = -0.5f * op * s_yy;
        out[CSPLAT_GRAD_OPACITY] = s_op;
        out[CSPLAT_GRAD_COLOR_R] = lane_sum(sums.r);
        out[CSPLAT_GRAD_COLOR_G] = lane_sum(sums.g);
        out[CSPLAT_GRAD_COLOR_B] = lane_sum(sums.b);
        out[CSPLAT_GRAD_DEPTH] = with_depth ? lane_sum(sums.z) : 0.0f;
    }
}

void csplat_rasterize_backward(const csplat_raster_input *in, const csplat_raster_output *fw,
                               const float *d_color, const float *d_alpha, const float *d_depth,
                               const uint32_t *entry_indices, float *entry_grads, uint32_t *tile_stops,
                               int32_t tile_begin, int32_t tile_end) {
    const float zero_bg[3] = {0, 0, 0};
    const float *bg = in->background ? in->background : zero_bg;
    for (int32_t tile = tile_begin; tile < tile_end; tile++) {
        if (d_depth)
            backward_tile(in, fw, d_color, d_alpha, d_depth, bg, entry_indices, entry_grads, tile_stops, tile, 1);
        else
            backward_tile(in, fw, d_color, d_alpha, d_depth, bg, entry_indices, entry_grads, tile_stops, tile, 0);
    }
}
