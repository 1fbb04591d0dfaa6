// Binning of projected splats into 16×16 tiles and their depth order within each tile.
//
// The rasterizer's pipeline (bucketing): csplat_prefix_sum (offsets) → csplat_depth_keys →
// csplat_radix_sort of the splats by depth → csplat_count_tile_entries → start positions per
// tile (and per chunk of the depth order, for several cores) → csplat_scatter_tile_entries.
// The plain pipeline it replaces, kept as its reference (both give the same lists): sort every
// entry by a 64-bit tile | depth key: csplat_prefix_sum → csplat_emit_keys (per splat range) →
// csplat_radix_sort → csplat_resolve_entries (per entry range) → csplat_tile_ranges.
// An "entry" is one (tile, splat) pair; entry j of splat i is emitted at offsets[i] + k for its
// k-th tile in row-major order of its tile rectangle.
#ifndef CSPLAT_BIN_H
#define CSPLAT_BIN_H

#include "csplat_types.h"

// Exclusive prefix sum: offsets[i] = Σ_{k<i} tiles_touched[k], offsets[count] = total (returned).
uint64_t csplat_prefix_sum(const uint32_t *tiles_touched, uint32_t *offsets, int32_t count);

// For splats [begin, end): keys[j] = tile id << 32 | bits of the (positive) depth, values[j] = j,
// entry_splats[j] = i, where the tile id is ty * tiles_x + tx.
void csplat_emit_keys(const csplat_projected *projected, const uint32_t *offsets, int32_t tiles_x,
                      uint64_t *keys, uint32_t *values, uint32_t *entry_splats,
                      int32_t begin, int32_t end);

// Number of key bits a radix sort must look at: 32 depth bits plus enough for the tile ids.
int32_t csplat_key_bits(int32_t tile_count);

// Stable LSD radix sort of n (key, value) pairs on the low key_bits bits, 8 bits per pass,
// ping-ponging between (keys, values) and (keys_tmp, values_tmp); passes whose digit is the same
// for all keys are skipped. Returns 0 when the result ended in (keys, values), 1 when in the tmp pair.
int32_t csplat_radix_sort(uint64_t *keys, uint32_t *values, uint64_t *keys_tmp, uint32_t *values_tmp,
                          uint32_t n, int32_t key_bits);

// The two halves of one pass of csplat_radix_sort over digit `digit` (bits 8 digit ... 8 digit + 7),
// for running a pass on several cores: count every chunk of the input, turn the counts into
// start positions (bucket by bucket, chunk by chunk within a bucket), then scatter every chunk.
// counts / starts hold 256 entries; csplat_radix_scatter advances starts as it writes.
void csplat_radix_count(const uint64_t *keys, uint32_t begin, uint32_t end, int32_t digit, uint32_t *counts);
void csplat_radix_scatter(const uint64_t *keys, const uint32_t *values, uint64_t *keys_out,
                          uint32_t *values_out, uint32_t begin, uint32_t end, int32_t digit,
                          uint32_t *starts);

// For sorted entries [begin, end): sorted_splats[p] = entry_splats[sorted_values[p]].
void csplat_resolve_entries(const uint32_t *sorted_values, const uint32_t *entry_splats,
                            uint32_t *sorted_splats, uint32_t begin, uint32_t end);

// Tile ranges from the n sorted keys: ranges[2 t], ranges[2 t + 1] = first and one past the last
// entry of tile t, written by the call whose entry range [begin, end) holds that boundary. The
// caller zeroes ranges first (tiles without entries keep [0, 0)).
void csplat_tile_ranges(const uint64_t *sorted_keys, uint32_t n, uint32_t *ranges,
                        uint32_t begin, uint32_t end);

// For splats [begin, end): keys[i] = bits of the (positive) depth, values[i] = i, for a stable
// radix sort on 32 key bits (culled splats have depth 0 and touch no tile).
void csplat_depth_keys(const csplat_projected *projected, uint64_t *keys, uint32_t *values,
                       int32_t begin, int32_t end);

// For the splats order[begin ... end - 1] (sorted by depth): counts[t] += 1 for every tile t of
// each splat's tile rectangle (t = ty * tiles_x + tx). order NULL: the splats begin ... end - 1
// themselves (counts do not depend on the order; memory order is faster when one chunk takes
// every splat).
void csplat_count_tile_entries(const csplat_projected *projected, const uint32_t *order, int32_t tiles_x,
                               uint32_t *counts, uint32_t begin, uint32_t end);

// For the splats order[begin ... end - 1], in that order, and each one's tiles in row-major order
// of its tile rectangle: writes the splat to sorted_splats[cursors[t]], records that position as
// entry_positions[j] for the entry's emission index j (offsets[i] + k for its k-th tile, as
// csplat_emit_keys numbers entries) and j as entry_indices[position], then advances cursors[t].
// With cursors starting at the positions the counts give, every tile's list comes out ordered by
// depth, ties by splat index, exactly as the stable key sort orders it (entry_indices are its
// sorted values, entry_positions their inverse).
void csplat_scatter_tile_entries(const csplat_projected *projected, const uint32_t *order, const uint32_t *offsets,
                                 int32_t tiles_x, uint32_t *cursors, uint32_t *sorted_splats,
                                 uint32_t *entry_positions, uint32_t *entry_indices, uint32_t begin, uint32_t end);

#endif
