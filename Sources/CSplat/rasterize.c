// Forward tile rasterizer (csplat_rasterize.h). Per tile, splats in depth order, and for each
// splat the pixels of its box, eight columns at a time (raster_vector.h), branch-free.
#include "csplat_rasterize.h"
#include "raster_common.h"
#include "raster_vector.h"

// What a splat's pixels need, as vectors (the same value in every lane).
typedef struct { splat_f8 a, op, r, g, b, z, alpha_min, alpha_max, t_min; splat_i8 p_next; } forward_splat;

// The eight pixels of a group of columns of a row (tile index i0 of the first; dx their offsets
// from the mean; b_dy, c_dy2 the row's falloff terms) composited with the splat. Returns the
// lanes the splat contributed to (all bits set) and sets *stops to the lanes it stopped.
// with_depth is a constant at each call.
static inline __attribute__((always_inline)) splat_i8 forward_group(
    const forward_splat *k, int32_t i0, splat_f8 dx, splat_f8 b_dy, splat_f8 c_dy2, float *trans, float *cr,
    float *cg, float *cb, float *dep, int32_t *live, int32_t *last, const int with_depth, splat_i8 *stops) {
    const splat_f8 power = power8(k->a, b_dy, c_dy2, dx);
    const splat_f8 raw = k->op * exp2_8(power);
    const splat_f8 alpha = raw < k->alpha_max ? raw : k->alpha_max;
    const splat_i8 live8 = load8i(live + i0);
    splat_i8 ok = live8 & (power <= 0.0f) & (alpha >= k->alpha_min);
    const splat_f8 t = load8(trans + i0);
    const splat_f8 next = t * (1.0f - alpha);
    const splat_i8 stop = ok & (next < k->t_min);
    ok &= ~stop;
    const splat_f8 w = ok ? alpha * t : 0.0f;
    store8(cr + i0, fma8(w, k->r, load8(cr + i0)));
    store8(cg + i0, fma8(w, k->g, load8(cg + i0)));
    store8(cb + i0, fma8(w, k->b, load8(cb + i0)));
    if (with_depth) store8(dep + i0, fma8(w, k->z, load8(dep + i0)));
    store8(trans + i0, ok ? next : t);
    // last <= p, so the max picks p + 1 exactly where ok.
    store8i(last + i0, __builtin_elementwise_max(load8i(last + i0), ok & k->p_next));
    store8i(live + i0, live8 & ~stop);
    *stops = stop;
    return ok;
}

// One tile. with_depth and with_rows are constants at each call, so the depth sums vanish when
// no depth output is asked for (training) and the rows reached are stored only when asked for.
static inline __attribute__((always_inline)) void forward_tile(const csplat_raster_input *in,
                                                               const csplat_raster_output *out, const float *bg,
                                                               int32_t tile, const int with_depth, const int with_rows) {
    const float alpha_min = in->options.alpha_min, alpha_max = in->options.alpha_max;
    const float t_min = in->options.transmittance_min;
    {
        splat_tile_box tb = splat_tile(in, tile);
        uint32_t begin = in->tile_ranges[2 * tile], end = in->tile_ranges[2 * tile + 1];
        float trans[CSPLAT_TILE_PIXELS], cr[CSPLAT_TILE_PIXELS], cg[CSPLAT_TILE_PIXELS],
            cb[CSPLAT_TILE_PIXELS], dep[CSPLAT_TILE_PIXELS];
        int32_t live[CSPLAT_TILE_PIXELS]; // all bits set while the pixel still accumulates
        int32_t last[CSPLAT_TILE_PIXELS]; // entries fit in int32_t (csplat_rasterize_backward)
        for (int i = 0; i < CSPLAT_TILE_PIXELS; i++) {
            // Pixels of an edge tile beyond the image never accumulate (and never count as stopped).
            int inside = (i % CSPLAT_TILE_SIZE) < tb.w && (i / CSPLAT_TILE_SIZE) < tb.h;
            trans[i] = 1; cr[i] = cg[i] = cb[i] = dep[i] = 0; live[i] = inside ? -1 : 0; last[i] = (int32_t)begin;
        }
        // Live pixels per group of columns in each row: groups with none left are skipped.
        int32_t group_live[CSPLAT_TILE_SIZE][CSPLAT_TILE_SIZE / SPLAT_LANES];
        for (int32_t row = 0; row < CSPLAT_TILE_SIZE; row++)
            for (int32_t group = 0; group < CSPLAT_TILE_SIZE / SPLAT_LANES; group++) {
                int32_t n = 0;
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++) n -= live[row * CSPLAT_TILE_SIZE + group * SPLAT_LANES + lane];
                group_live[row][group] = n;
            }
        float col_x[CSPLAT_TILE_SIZE];
        splat_column_centres(&tb, col_x);
        const splat_f8 col_x_lo = load8(col_x), col_x_hi = load8(col_x + SPLAT_LANES);
        int32_t remaining = tb.w * tb.h;
        for (uint32_t p = begin; p < end && remaining > 0; p++) {
            if (p + SPLAT_PREFETCH_AHEAD < end) __builtin_prefetch(in->splats + in->sorted_splats[p + SPLAT_PREFETCH_AHEAD]);
            const csplat_blend_splat *sp = in->splats + in->sorted_splats[p];
            int32_t box[4];
            if (!splat_pixel_box(&tb, sp, box)) {
                if (with_rows) out->entry_rows[p] = 0;
                continue;
            }
            const float mx = sp->mean[0], my = sp->mean[1];
            const splat_falloff falloff = splat_falloff_of(sp);
            forward_splat k; // scalars assigned to vectors fill every lane
            k.a = falloff.a; k.op = sp->opacity; k.r = sp->color[0]; k.g = sp->color[1]; k.b = sp->color[2];
            k.z = sp->depth; k.alpha_min = alpha_min; k.alpha_max = alpha_max; k.t_min = t_min;
            k.p_next = (int32_t)p + 1;
            const splat_f8 dx_lo = mx - col_x_lo, dx_hi = mx - col_x_hi;
            int32_t stopped = 0;
            // Lane l's bit 2 row + group is set when the splat contributed to that pixel; the
            // lanes are ORed once the splat is done.
            splat_i8 reached = 0;
            for (int32_t row = box[2]; row < box[3]; row++) {
                const float dy = my - ((float)(tb.y0 + row) + 0.5f);
                const splat_falloff_row fr = splat_falloff_at_row(falloff, dy);
                const splat_f8 b_dy = fr.b_dy, c_dy2 = fr.c_dy2;
                const int32_t base = row * CSPLAT_TILE_SIZE;
                // Whole groups of columns: pixels outside the box have alpha below alpha_min, so
                // evaluating them changes nothing.
                for (int32_t group = box[0] / SPLAT_LANES; group * SPLAT_LANES < box[1]; group++) {
                    if (group_live[row][group] == 0) continue;
                    splat_i8 stops;
                    const splat_i8 ok = forward_group(&k, base + group * SPLAT_LANES, group ? dx_hi : dx_lo, b_dy,
                                                      c_dy2, trans, cr, cg, cb, dep, live, last, with_depth, &stops);
                    const int32_t group_stops = -__builtin_reduce_add(stops);
                    group_live[row][group] -= group_stops;
                    stopped += group_stops;
                    if (with_rows) reached |= ok & (splat_i8)(1 << (2 * row + group));
                }
            }
            if (with_rows) out->entry_rows[p] = (uint32_t)__builtin_reduce_or(reached);
            remaining -= stopped;
        }
        for (int32_t row = 0; row < tb.h; row++)
            for (int32_t col = 0; col < tb.w; col++) {
                const int32_t i = row * CSPLAT_TILE_SIZE + col;
                const size_t o = (size_t)(tb.y0 + row) * in->width + (size_t)(tb.x0 + col);
                out->color[3 * o] = cr[i] + trans[i] * bg[0];
                out->color[3 * o + 1] = cg[i] + trans[i] * bg[1];
                out->color[3 * o + 2] = cb[i] + trans[i] * bg[2];
                out->alpha[o] = 1.0f - trans[i];
                if (with_depth) out->depth[o] = dep[i];
                out->final_transmittance[o] = trans[i];
                out->last_entries[o] = (uint32_t)last[i];
            }
    }
}

void csplat_rasterize_forward(const csplat_raster_input *in, const csplat_raster_output *out,
                              int32_t tile_begin, int32_t tile_end) {
    const float zero_bg[3] = {0, 0, 0};
    const float *bg = in->background ? in->background : zero_bg;
    for (int32_t tile = tile_begin; tile < tile_end; tile++) {
        const int depth = out->depth != NULL, rows = out->entry_rows != NULL;
        if (depth && rows) forward_tile(in, out, bg, tile, 1, 1);
        else if (depth) forward_tile(in, out, bg, tile, 1, 0);
        else if (rows) forward_tile(in, out, bg, tile, 0, 1);
        else forward_tile(in, out, bg, tile, 0, 0);
    }
}
