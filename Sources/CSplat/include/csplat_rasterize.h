// Tile rasterizer: front-to-back alpha compositing per 16×16 tile, its exact backward, and the
// deterministic reduction of per-entry gradients to per-splat gradients.
#ifndef CSPLAT_RASTERIZE_H
#define CSPLAT_RASTERIZE_H

#include "csplat_types.h"

// What the blend loops read of one splat, packed into one 48-byte record so that an entry
// costs one memory access, not one per array (csplat_prepare_blend writes them from
// csplat_projected).
typedef struct {
    float mean[2];   // pixels
    float conic[3];  // (a, b, c)
    float opacity;
    float color[3];
    float depth;
    // Half extents in pixels of the ellipse outside which alpha < alpha_min (a 0.01 px margin
    // covers rounding); negative when the splat can never reach alpha_min.
    float extent[2];
} csplat_blend_splat;

// Packs splats [begin, end) for blending. The extents: alpha = o exp(-½ dᵀ K d) >= alpha_min
// inside dᵀ K d <= 2 ln(o / alpha_min), whose half extents are sqrt(2 ln(o / alpha_min) Σxx) and
// sqrt(... Σyy) with Σ = K⁻¹ (unbounded when alpha_min <= 0).
void csplat_prepare_blend(const csplat_projected *projected, csplat_blend_options options,
                          csplat_blend_splat *out, int32_t begin, int32_t end);

// Shrinks the tile rectangles (and tiles_touched) of splats [begin, end) to the tiles whose
// pixels the blend loops can visit for them (the extents of their packed records `splats`), and
// empties them for splats that reach no pixel. The entries dropped are the ones whose gradient
// is zero and which change no pixel, so renders and gradients stay the same, with fewer entries
// to bin and walk. Call after csplat_prepare_blend and before binning.
void csplat_trim_tile_rects(const csplat_projected *projected, const csplat_blend_splat *splats,
                            int32_t begin, int32_t end);

typedef struct {
    const csplat_blend_splat *splats; // per splat (csplat_prepare_blend)
    const uint32_t *sorted_splats; // per entry, the splat, sorted by tile then depth
    const uint32_t *tile_ranges;   // per tile [begin, end) into the sorted entries
    int32_t width, height;
    const float *background;       // 3 floats, or NULL for black
    csplat_blend_options options;  // the same as given to csplat_prepare_blend
} csplat_raster_input;

typedef struct {
    float *color;                // width × height × 3: Σ c α T + T_final background
    float *alpha;                // width × height: 1 - T_final
    float *depth;                // width × height: Σ z α T, not normalised (divide by alpha);
                                 // NULL: not computed
    float *final_transmittance;  // width × height: T_final, kept for the backward
    uint32_t *last_entries;      // width × height: one past the last contributing sorted entry
                                 // (the tile's first entry when none contributed)
    uint32_t *entry_rows;        // per sorted entry: bit 2 row + group is set when the splat
                                 // contributed to a pixel of that row of its tile (0-15) among
                                 // columns 8 group ... 8 group + 7; the backward visits only
                                 // those. Entries after a tile's last contributing one are not
                                 // written. NULL: not recorded (a render without backward)
} csplat_raster_output;

// For pixel (x, y), centred at (x + 0.5, y + 0.5), a splat with 2D mean m, conic K, opacity o
// gives alpha = min(alpha_max, o exp(-½ dᵀ K d)), d = m - (x + 0.5, y + 0.5); contributions with alpha < alpha_min
// (or a positive exponent) are skipped and the pixel stops before the splat that would take its
// transmittance below transmittance_min. A splat only reaches the tiles of its tile rectangle.
// Renders tiles [tile_begin, tile_end) (tile t = ty * tiles_x + tx).
void csplat_rasterize_forward(const csplat_raster_input *in, const csplat_raster_output *out,
                              int32_t tile_begin, int32_t tile_end);

// Backward over tiles [tile_begin, tile_end), back to front from the saved final transmittance,
// last entry and rows reached (`forward`: what the forward of the same render wrote, entry_rows
// included; sorted entries must number below 2^31). d_color is width × height × 3; d_alpha
// and d_depth (width × height) may be NULL.
// For each tile, writes tile_stops[tile] = one past the last sorted entry any of its pixels used
// (entries from there on have zero gradient and are not written) and, for every sorted entry p
// before it, entry_grads[entry_indices[p] * CSPLAT_GRAD_STRIDE + k]: the gradient with respect to
// the splat's 2D mean, conic, opacity, colour and depth through that tile alone. entry_indices
// maps sorted positions to emission indices (csplat_scatter_tile_entries), so the records land
// splat by splat, where the gather reads them in one sweep. Tiles never share entries, so tile
// ranges can run in parallel and the result does not depend on the split.
void csplat_rasterize_backward(const csplat_raster_input *in, const csplat_raster_output *forward,
                               const float *d_color, const float *d_alpha, const float *d_depth,
                               const uint32_t *entry_indices, float *entry_grads, uint32_t *tile_stops,
                               int32_t tile_begin, int32_t tile_end);

// For splats [begin, end): splat_grads[i] = Σ of the gradients of the splat's entries, taken in
// emission order (its tiles in row-major order of its tile rectangle): entry j = offsets[i] + k
// has its record at entry_grads[j * CSPLAT_GRAD_STRIDE] and counts when its sorted position
// p = entry_positions[j] (csplat_scatter_tile_entries) is below tile_stops of its tile
// (csplat_rasterize_backward); the others are zero.
// If mean2d_grad_norms is not NULL, adds |dL/d mean2d| (pixels) of each splat that touched a
// tile, and if visible_counts is not NULL adds 1 for it: the statistics of adaptive density control.
void csplat_gather_gradients(const csplat_projected *projected, int32_t tiles_x, const uint32_t *offsets,
                             const uint32_t *entry_positions, const uint32_t *tile_stops,
                             const float *entry_grads, float *splat_grads,
                             float *mean2d_grad_norms, uint32_t *visible_counts,
                             int32_t begin, int32_t end);

#endif
