// Tile binning by depth-ordered bucketing (csplat_bin.h): the splats are sorted by depth once,
// then each splat's tiles are dealt out into per-tile lists in that order, which gives every
// tile its splats by depth without sorting the (much longer) list of (tile, splat) entries.
#include "csplat_bin.h"
#include <string.h>

// Splats ahead (in depth order, i.e. at random in memory) whose tile rectangle, tile count and
// entry offset are prefetched.
#define BUCKET_PREFETCH_AHEAD 16

void csplat_depth_keys(const csplat_projected *pr, uint64_t *keys, uint32_t *values,
                       int32_t begin, int32_t end) {
    for (int32_t i = begin; i < end; i++) {
        uint32_t depth_bits;
        memcpy(&depth_bits, pr->depths + i, sizeof depth_bits); // positive floats sort as integers
        keys[i] = depth_bits;
        values[i] = (uint32_t)i;
    }
}

void csplat_count_tile_entries(const csplat_projected *pr, const uint32_t *order, int32_t tiles_x,
                               uint32_t *counts, uint32_t begin, uint32_t end) {
    if (!order) {
        for (uint32_t i = begin; i < end; i++) {
            if (pr->tiles_touched[i] == 0) continue;
            const int32_t *r = pr->tile_rects + 4 * i;
            for (int32_t ty = r[1]; ty < r[3]; ty++)
                for (int32_t tx = r[0]; tx < r[2]; tx++) counts[ty * tiles_x + tx]++;
        }
        return;
    }
    for (uint32_t p = begin; p < end; p++) {
        if (p + BUCKET_PREFETCH_AHEAD < end) {
            __builtin_prefetch(pr->tile_rects + 4 * (size_t)order[p + BUCKET_PREFETCH_AHEAD]);
            __builtin_prefetch(pr->tiles_touched + order[p + BUCKET_PREFETCH_AHEAD]);
        }
        const uint32_t i = order[p];
        if (pr->tiles_touched[i] == 0) continue;
        const int32_t *r = pr->tile_rects + 4 * i;
        for (int32_t ty = r[1]; ty < r[3]; ty++)
            for (int32_t tx = r[0]; tx < r[2]; tx++) counts[ty * tiles_x + tx]++;
    }
}

void csplat_scatter_tile_entries(const csplat_projected *pr, const uint32_t *order, const uint32_t *offsets,
                                 int32_t tiles_x, uint32_t *cursors, uint32_t *sorted_splats,
                                 uint32_t *entry_positions, uint32_t *entry_indices, uint32_t begin, uint32_t end) {
    for (uint32_t p = begin; p < end; p++) {
        if (p + BUCKET_PREFETCH_AHEAD < end) {
            const uint32_t ahead = order[p + BUCKET_PREFETCH_AHEAD];
            __builtin_prefetch(pr->tile_rects + 4 * (size_t)ahead);
            __builtin_prefetch(pr->tiles_touched + ahead);
            __builtin_prefetch(offsets + ahead);
        }
        const uint32_t i = order[p];
        if (pr->tiles_touched[i] == 0) continue;
        const int32_t *r = pr->tile_rects + 4 * i;
        uint32_t j = offsets[i]; // the emission index of the splat's first entry
        for (int32_t ty = r[1]; ty < r[3]; ty++)
            for (int32_t tx = r[0]; tx < r[2]; tx++, j++) {
                const uint32_t at = cursors[ty * tiles_x + tx]++;
                sorted_splats[at] = i;
                entry_positions[j] = at;
                entry_indices[at] = j;
            }
    }
}
