// Tile binning: prefix sum, key emission, entry resolution and tile ranges (csplat_bin.h).
#include "csplat_bin.h"
#include <string.h>

uint64_t csplat_prefix_sum(const uint32_t *tiles_touched, uint32_t *offsets, int32_t count) {
    uint64_t sum = 0;
    for (int32_t i = 0; i < count; i++) {
        offsets[i] = (uint32_t)sum;
        sum += tiles_touched[i];
    }
    offsets[count] = (uint32_t)sum;
    return sum;
}

void csplat_emit_keys(const csplat_projected *pr, const uint32_t *offsets, int32_t tiles_x,
                      uint64_t *keys, uint32_t *values, uint32_t *entry_splats,
                      int32_t begin, int32_t end) {
    for (int32_t i = begin; i < end; i++) {
        if (pr->tiles_touched[i] == 0) continue;
        uint32_t depth_bits;
        memcpy(&depth_bits, pr->depths + i, sizeof depth_bits); // positive floats sort as integers
        const int32_t *r = pr->tile_rects + 4 * i;
        uint32_t j = offsets[i];
        for (int32_t ty = r[1]; ty < r[3]; ty++)
            for (int32_t tx = r[0]; tx < r[2]; tx++, j++) {
                keys[j] = ((uint64_t)(uint32_t)(ty * tiles_x + tx) << 32) | depth_bits;
                values[j] = j;
                entry_splats[j] = (uint32_t)i;
            }
    }
}

int32_t csplat_key_bits(int32_t tile_count) {
    int32_t bits = 0;
    while (bits < 32 && ((int64_t)1 << bits) < tile_count) bits++;
    return 32 + bits;
}

void csplat_resolve_entries(const uint32_t *sorted_values, const uint32_t *entry_splats,
                            uint32_t *sorted_splats, uint32_t begin, uint32_t end) {
    for (uint32_t p = begin; p < end; p++) sorted_splats[p] = entry_splats[sorted_values[p]];
}

void csplat_tile_ranges(const uint64_t *keys, uint32_t n, uint32_t *ranges, uint32_t begin, uint32_t end) {
    for (uint32_t p = begin; p < end; p++) {
        uint32_t tile = (uint32_t)(keys[p] >> 32);
        if (p == 0 || (uint32_t)(keys[p - 1] >> 32) != tile) ranges[2 * tile] = p;
        if (p + 1 == n || (uint32_t)(keys[p + 1] >> 32) != tile) ranges[2 * tile + 1] = p + 1;
    }
}
