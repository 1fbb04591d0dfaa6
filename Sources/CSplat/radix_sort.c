// Stable LSD radix sort of 64-bit keys with 32-bit values (csplat_bin.h).
#include "csplat_bin.h"

int32_t csplat_radix_sort(uint64_t *keys, uint32_t *values, uint64_t *keys_tmp, uint32_t *values_tmp,
                          uint32_t n, int32_t key_bits) {
    enum { DIGIT_BITS = 8, BUCKETS = 1 << DIGIT_BITS, MAX_PASSES = 8 };
    int32_t passes = (key_bits + DIGIT_BITS - 1) / DIGIT_BITS;
    if (passes > MAX_PASSES) passes = MAX_PASSES;
    // All histograms in one read of the keys.
    uint32_t counts[MAX_PASSES][BUCKETS] = {{0}};
    for (uint32_t p = 0; p < n; p++) {
        uint64_t k = keys[p];
        for (int32_t d = 0; d < passes; d++) counts[d][(k >> (DIGIT_BITS * d)) & (BUCKETS - 1)]++;
    }
    uint64_t *src_k = keys, *dst_k = keys_tmp;
    uint32_t *src_v = values, *dst_v = values_tmp;
    int32_t in_tmp = 0;
    for (int32_t d = 0; d < passes; d++) {
        uint32_t *count = counts[d];
        int trivial = 0; // one bucket holds every key: the pass would not move anything
        for (int b = 0; b < BUCKETS; b++) if (count[b] == n) trivial = 1;
        if (trivial) continue;
        uint32_t start[BUCKETS], sum = 0;
        for (int b = 0; b < BUCKETS; b++) { start[b] = sum; sum += count[b]; }
        int shift = DIGIT_BITS * d;
        for (uint32_t p = 0; p < n; p++) {
            uint32_t b = (uint32_t)(src_k[p] >> shift) & (BUCKETS - 1);
            uint32_t q = start[b]++;
            dst_k[q] = src_k[p];
            dst_v[q] = src_v[p];
        }
        uint64_t *tk = src_k; src_k = dst_k; dst_k = tk;
        uint32_t *tv = src_v; src_v = dst_v; dst_v = tv;
        in_tmp = !in_tmp;
    }
    return in_tmp;
}
