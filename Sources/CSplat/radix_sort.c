// Stable LSD radix sort of 64-bit keys with 32-bit values, 8 bits per pass (csplat_bin.h).
#include "csplat_bin.h"
#include <string.h>

enum { DIGIT_BITS = 8, BUCKETS = 1 << DIGIT_BITS };

void csplat_radix_count(const uint64_t *keys, uint32_t begin, uint32_t end, int32_t digit, uint32_t *counts) {
    memset(counts, 0, BUCKETS * sizeof(uint32_t));
    const int shift = DIGIT_BITS * digit;
    for (uint32_t p = begin; p < end; p++) counts[(keys[p] >> shift) & (BUCKETS - 1)]++;
}

void csplat_radix_scatter(const uint64_t *keys, const uint32_t *values, uint64_t *keys_out,
                          uint32_t *values_out, uint32_t begin, uint32_t end, int32_t digit,
                          uint32_t *starts) {
    const int shift = DIGIT_BITS * digit;
    for (uint32_t p = begin; p < end; p++) {
        const uint64_t k = keys[p];
        const uint32_t q = starts[(k >> shift) & (BUCKETS - 1)]++;
        keys_out[q] = k;
        values_out[q] = values[p];
    }
}

int32_t csplat_radix_sort(uint64_t *keys, uint32_t *values, uint64_t *keys_tmp, uint32_t *values_tmp,
                          uint32_t n, int32_t key_bits) {
    int32_t passes = (key_bits + DIGIT_BITS - 1) / DIGIT_BITS;
    if (passes > 64 / DIGIT_BITS) passes = 64 / DIGIT_BITS;
    uint64_t *src_k = keys, *dst_k = keys_tmp;
    uint32_t *src_v = values, *dst_v = values_tmp;
    int32_t in_tmp = 0;
    for (int32_t d = 0; d < passes; d++) {
        uint32_t count[BUCKETS];
        csplat_radix_count(src_k, 0, n, d, count);
        int trivial = 0; // one bucket holds every key: the pass would not move anything
        for (int b = 0; b < BUCKETS; b++) if (count[b] == n) trivial = 1;
        if (trivial) continue;
        uint32_t start[BUCKETS], sum = 0;
        for (int b = 0; b < BUCKETS; b++) { start[b] = sum; sum += count[b]; }
        csplat_radix_scatter(src_k, src_v, dst_k, dst_v, 0, n, d, start);
        uint64_t *tk = src_k; src_k = dst_k; dst_k = tk;
        uint32_t *tv = src_v; src_v = dst_v; dst_v = tv;
        in_tmp = !in_tmp;
    }
    return in_tmp;
}
