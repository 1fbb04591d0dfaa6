// Backward tile rasterizer (csplat_rasterize.h). Walks each tile's entries back to front from
// the saved final transmittance, undoing T one splat at a time (T_before = T_after / (1 - alpha)).
// With g the pixel's upstream gradient of colour and depth, d_k = (c_k, z_k) · g and
// w_k = alpha_k T_k, the loss gradient of alpha_k is
//   dL/dalpha_k = T_k d_k + (G_final - Σ_{j>k} d_j w_j) / (1 - alpha_k),
// where G_final = (dL/dA - background · g) T_final gathers what depends on T_final only
// (background and the alpha output A = 1 - T_final). One float per pixel ("rest") carries the
// bracket, updated as each splat is passed.
#include "csplat_rasterize.h"
#include "fast_exp.h"
#include "raster_common.h"
#include "lane_transpose.h"
#include <string.h>

enum { NG = CSPLAT_GRAD_STRIDE, TS = CSPLAT_TILE_SIZE, TP = CSPLAT_TILE_PIXELS };
_Static_assert(TS == 2 * SPLAT_LANES && SPLAT_LANES == 8, "a tile row is two groups of 8 lanes");

// The per-splat sums of the backward, one vector of lanes each.
enum { S_R, S_G, S_B, S_Z, S_OPACITY, S_X, S_Y, S_XX, S_XY, S_YY, S_COUNT };

typedef struct { float op, cr, cg, cb, z; } backward_splat;

// One pixel i of the splat at offset dx (and the row's falloff) from its mean: its blending
// weight w = alpha T and its moment weight q, and the pixel's transmittance and bracket stepped
// back past the splat. d_power = alpha d_raw = op q with q = gauss d_raw (d_raw is zero where
// alpha is clamped), and q is also the opacity's term: the moments are summed of q and
// multiplied by op once. The sums themselves are added in a second loop (backward_sums): with
// them in this one, the loop has more live values than vector registers and spills.
static inline __attribute__((always_inline)) void backward_pixel(
    int32_t i, float dx, splat_falloff_row fr, const backward_splat *s, int32_t signed_p, const int32_t *last,
    float *trans, float *rest, const float *gr, const float *gg, const float *gb, const float *gz, float alpha_min,
    float alpha_max, const int with_depth, float *w_out, float *q_out) {
    const float power = splat_power2(fr, dx);
    const float gauss = splat_exp2(power);
    const float raw = s->op * gauss;
    const float alpha = splat_clamp_alpha(raw, alpha_max);
    const int32_t ok = (signed_p < last[i]) & (power <= 0.0f) & (alpha >= alpha_min);
    const float one_minus = 1.0f - alpha;
    const float inv = 1.0f / one_minus;
    const float before = trans[i] * inv;
    const float w = ok ? alpha * before : 0.0f;
    float dot = s->cr * gr[i] + s->cg * gg[i] + s->cb * gb[i];
    if (with_depth) dot += s->z * gz[i]; // (adding 0.0f instead would cost an add: -0 + 0 is +0)
    const float d_alpha_k = before * dot + rest[i] * inv;
    // d gauss / d power = gauss for the natural exponent the moments refer to.
    const float d_raw = (ok && raw < alpha_max) ? d_alpha_k : 0.0f;
    *w_out = w;
    *q_out = gauss * d_raw;
    rest[i] -= dot * w;
    trans[i] = ok ? before : trans[i]; // a select and an unconditional store (see rasterize.c)
}

// Adds pixel i's terms (weights w, q at offset (dx, dy)) to the sums of `lane`.
static inline __attribute__((always_inline)) void backward_sums(
    float partial[S_COUNT][SPLAT_LANES], int32_t lane, int32_t i, float w, float q, float dx, float dy, float dy2,
    const float *gr, const float *gg, const float *gb, const float *gz, const int with_depth) {
    const float q_x = q * dx;
    partial[S_R][lane] += w * gr[i];
    partial[S_G][lane] += w * gg[i];
    partial[S_B][lane] += w * gb[i];
    if (with_depth) partial[S_Z][lane] += w * gz[i];
    partial[S_OPACITY][lane] += q;
    partial[S_X][lane] += q_x;
    partial[S_Y][lane] += q * dy;
    partial[S_XX][lane] += q_x * dx;
    partial[S_XY][lane] += q_x * dy;
    partial[S_YY][lane] += q * dy2;
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
    // Per group of columns in each row, one past the last entry any of its pixels used:
    // entries at or beyond it change nothing there.
    uint32_t group_last[TS][TS / SPLAT_LANES];
    for (int32_t row = 0; row < TS; row++)
        for (int32_t group = 0; group < TS / SPLAT_LANES; group++) {
            uint32_t m = begin;
            for (int32_t lane = 0; lane < SPLAT_LANES; lane++) {
                uint32_t l = (uint32_t)last[row * TS + group * SPLAT_LANES + lane];
                m = l > m ? l : m;
            }
            group_last[row][group] = m;
        }
    uint32_t row_last[TS]; // the same for whole rows
    for (int32_t row = 0; row < TS; row++)
        row_last[row] = group_last[row][0] > group_last[row][1] ? group_last[row][0] : group_last[row][1];
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
        const csplat_blend_splat *sp = in->splats + in->sorted_splats[p];
        int32_t box[4];
        if (!splat_pixel_box(&tb, sp, box)) { memset(out, 0, NG * sizeof(float)); continue; }
        const float mx = sp->mean[0], my = sp->mean[1];
        const float ka = sp->conic[0], kb = sp->conic[1], kc = sp->conic[2], op = sp->opacity, z = sp->depth;
        const float cr = sp->color[0], cg = sp->color[1], cb = sp->color[2];
        const splat_falloff falloff = splat_falloff_of(sp);
        const backward_splat bs = {op, cr, cg, cb, z};
        // Per-lane partial sums (one vector register each) keep the pixel loop vectorisable
        // and the sum order fixed: lane l sums columns l and l + SPLAT_LANES, row by row.
        // The 2D mean and conic gradients are linear in the moments of d_power · (dx, dy),
        // so only those are summed per pixel (see backward_pixel).
        float partial[S_COUNT][SPLAT_LANES];
        memset(partial, 0, sizeof partial);
        const int32_t g0 = box[0] / SPLAT_LANES, g1 = (box[1] - 1) / SPLAT_LANES;
        const int32_t signed_p = (int32_t)p;
        for (int32_t row = box[2]; row < box[3]; row++) {
            const float dy = my - ((float)(tb.y0 + row) + 0.5f), dy2 = dy * dy;
            const splat_falloff_row fr = splat_falloff_at_row(falloff, dy);
            const int32_t base = row * TS;
            // Whole groups of columns, as in the forward pass. A box across both groups of the
            // row takes the whole row (16 pixels) in one pass, its sums added lane by lane in the
            // same order as group by group (a group past every pixel's last entry adds exact
            // zeros).
            float w[TS], q[TS];
            if (g0 == g1) {
                if (p >= group_last[row][g0]) continue;
                const int32_t c0 = g0 * SPLAT_LANES;
#pragma clang loop vectorize_width(8)
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++)
                    backward_pixel(base + c0 + lane, mx - col_x[c0 + lane], fr, &bs, signed_p, last, trans, rest,
                                   gr, gg, gb, gz, alpha_min, alpha_max, with_depth, &w[lane], &q[lane]);
#pragma clang loop vectorize_width(8)
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++)
                    backward_sums(partial, lane, base + c0 + lane, w[lane], q[lane], mx - col_x[c0 + lane], dy, dy2,
                                  gr, gg, gb, gz, with_depth);
            } else {
                if (p >= row_last[row]) continue;
#pragma clang loop vectorize_width(8)
                for (int32_t col = 0; col < TS; col++)
                    backward_pixel(base + col, mx - col_x[col], fr, &bs, signed_p, last, trans, rest, gr, gg, gb,
                                   gz, alpha_min, alpha_max, with_depth, &w[col], &q[col]);
#pragma clang loop vectorize_width(8)
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++) {
                    backward_sums(partial, lane, base + lane, w[lane], q[lane], mx - col_x[lane], dy, dy2, gr, gg,
                                  gb, gz, with_depth);
                    const int32_t col = SPLAT_LANES + lane;
                    backward_sums(partial, lane, base + col, w[col], q[col], mx - col_x[col], dy, dy2, gr, gg, gb,
                                  gz, with_depth);
                }
            }
        }
        // Lanes summed as a fixed tree, ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)): the first
        // eight sums at once from their transpose (lane l of every sum in one vector), the last
        // two one by one.
        float sum[S_COUNT];
        {
            splat_f8 t[8];
            for (int s = 0; s < 8; s++) __builtin_memcpy(&t[s], partial[s], sizeof t[s]);
            splat_transpose8(t);
            const splat_f8 all = ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
            __builtin_memcpy(sum, &all, sizeof all);
        }
        for (int s = 8; s < S_COUNT; s++) {
            float h[SPLAT_LANES / 2];
            for (int q = 0; q < SPLAT_LANES / 2; q++) h[q] = partial[s][q] + partial[s][q + SPLAT_LANES / 2];
            sum[s] = (h[0] + h[2]) + (h[1] + h[3]);
        }
        // power = -½ (a dx² + c dy²) - b dx dy with dx = m_x - x: dpower/dm_x = -(a dx + b dy).
        const float sx = op * sum[S_X], sy = op * sum[S_Y];
        out[CSPLAT_GRAD_MEAN2D_X] = -(ka * sx + kb * sy);
        out[CSPLAT_GRAD_MEAN2D_Y] = -(kb * sx + kc * sy);
        out[CSPLAT_GRAD_CONIC_A] = -0.5f * op * sum[S_XX];
        out[CSPLAT_GRAD_CONIC_B] = -op * sum[S_XY];
        out[CSPLAT_GRAD_CONIC_C] = -0.5f * op * sum[S_YY];
        out[CSPLAT_GRAD_OPACITY] = sum[S_OPACITY];
        out[CSPLAT_GRAD_COLOR_R] = sum[S_R];
        out[CSPLAT_GRAD_COLOR_G] = sum[S_G];
        out[CSPLAT_GRAD_COLOR_B] = sum[S_B];
        out[CSPLAT_GRAD_DEPTH] = with_depth ? sum[S_Z] : 0.0f;
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
