// Forward tile rasterizer (csplat_rasterize.h). Per tile, splats in depth order, and for each
// splat the pixels of its box: the inner loop over a row of up to 16 pixels is branch-free so
// the compiler vectorises it.
#include "csplat_rasterize.h"
#include "fast_exp.h"
#include "raster_common.h"

// One tile. with_depth is a constant at each call, so the depth sums vanish when no depth
// output is asked for (training).
static inline __attribute__((always_inline)) void forward_tile(const csplat_raster_input *in,
                                                               const csplat_raster_output *out,
                                                               const float *bg, int32_t tile, const int with_depth) {
    const float alpha_min = in->options.alpha_min, alpha_max = in->options.alpha_max;
    const float t_min = in->options.transmittance_min;
    {
        splat_tile_box tb = splat_tile(in, tile);
        uint32_t begin = in->tile_ranges[2 * tile], end = in->tile_ranges[2 * tile + 1];
        float trans[CSPLAT_TILE_PIXELS], cr[CSPLAT_TILE_PIXELS], cg[CSPLAT_TILE_PIXELS],
            cb[CSPLAT_TILE_PIXELS], dep[CSPLAT_TILE_PIXELS];
        int32_t live[CSPLAT_TILE_PIXELS]; // 1 while the pixel still accumulates
        uint32_t last[CSPLAT_TILE_PIXELS];
        for (int i = 0; i < CSPLAT_TILE_PIXELS; i++) {
            // Pixels of an edge tile beyond the image never accumulate (and never count as stopped).
            int inside = (i % CSPLAT_TILE_SIZE) < tb.w && (i / CSPLAT_TILE_SIZE) < tb.h;
            trans[i] = 1; cr[i] = cg[i] = cb[i] = dep[i] = 0; live[i] = inside; last[i] = begin;
        }
        // Live pixels per group of columns in each row: groups with none left are skipped.
        int32_t group_live[CSPLAT_TILE_SIZE][CSPLAT_TILE_SIZE / SPLAT_LANES];
        for (int32_t row = 0; row < CSPLAT_TILE_SIZE; row++)
            for (int32_t group = 0; group < CSPLAT_TILE_SIZE / SPLAT_LANES; group++) {
                int32_t n = 0;
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++) n += live[row * CSPLAT_TILE_SIZE + group * SPLAT_LANES + lane];
                group_live[row][group] = n;
            }
        float col_x[CSPLAT_TILE_SIZE];
        splat_column_centres(&tb, col_x);
        int32_t remaining = tb.w * tb.h;
        for (uint32_t p = begin; p < end && remaining > 0; p++) {
            if (p + SPLAT_PREFETCH_AHEAD < end) __builtin_prefetch(in->splats + in->sorted_splats[p + SPLAT_PREFETCH_AHEAD]);
            const csplat_blend_splat *sp = in->splats + in->sorted_splats[p];
            int32_t box[4];
            if (!splat_pixel_box(&tb, sp, box)) continue;
            const float mx = sp->mean[0], my = sp->mean[1];
            const splat_falloff falloff = splat_falloff_of(sp);
            const float op = sp->opacity, z = sp->depth;
            const float r = sp->color[0], g = sp->color[1], b = sp->color[2];
            int32_t stopped = 0;
            for (int32_t row = box[2]; row < box[3]; row++) {
                const float dy = my - ((float)(tb.y0 + row) + 0.5f);
                const splat_falloff_row fr = splat_falloff_at_row(falloff, dy);
                const int32_t base = row * CSPLAT_TILE_SIZE;
                // Whole groups of SPLAT_LANES columns: pixels outside the box have alpha below
                // alpha_min, so evaluating them changes nothing, and full groups vectorise.
                for (int32_t group = box[0] / SPLAT_LANES; group * SPLAT_LANES < box[1]; group++) {
                if (group_live[row][group] == 0) continue;
                int32_t group_stops = 0;
                for (int32_t lane = 0; lane < SPLAT_LANES; lane++) {
                    const int32_t col = group * SPLAT_LANES + lane;
                    const int32_t i = base + col;
                    const float dx = mx - col_x[col];
                    const float power = splat_power2(fr, dx);
                    const float alpha = splat_clamp_alpha(op * splat_exp2(power), alpha_max);
                    int32_t ok = live[i] & (power <= 0.0f) & (alpha >= alpha_min);
                    const float next = trans[i] * (1.0f - alpha);
                    const int32_t stop = ok & (next < t_min);
                    ok &= !stop;
                    const float w = ok ? alpha * trans[i] : 0.0f;
                    cr[i] += w * r; cg[i] += w * g; cb[i] += w * b;
                    if (with_depth) dep[i] += w * z;
                    // Written as unconditional stores of selected factors: "x = ok ? y : x"
                    // becomes a masked store, which is slow (microcoded on AMD). last[i] <= p,
                    // so the max picks p + 1 exactly when ok.
                    trans[i] *= ok ? 1.0f - alpha : 1.0f;
                    last[i] = (uint32_t)(ok ? p + 1 : 0) > last[i] ? (uint32_t)(ok ? p + 1 : 0) : last[i];
                    live[i] &= !stop;
                    group_stops += stop;
                }
                group_live[row][group] -= group_stops;
                stopped += group_stops;
                }
            }
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
                out->last_entries[o] = last[i];
            }
    }
}

void csplat_rasterize_forward(const csplat_raster_input *in, const csplat_raster_output *out,
                              int32_t tile_begin, int32_t tile_end) {
    const float zero_bg[3] = {0, 0, 0};
    const float *bg = in->background ? in->background : zero_bg;
    for (int32_t tile = tile_begin; tile < tile_end; tile++) {
        if (out->depth)
            forward_tile(in, out, bg, tile, 1);
        else
            forward_tile(in, out, bg, tile, 0);
    }
}
