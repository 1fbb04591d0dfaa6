// Moving per-splat rows (a splat's SH coefficients, contiguous in memory) to lane columns
// (coefficient k of lanes 0...7 side by side), eight rows at a time through an 8 × 8 transpose
// in registers. The projection runs eight splats per group of vector lanes; read one float at a
// time per lane, a splat's 48 SH floats cost 48 scalar loads and inserts, which made SH the
// largest part of the projection. Values are only moved, so results are unchanged. The blend
// backward uses the transpose to sum eight per-lane sums at once. Clang vector extensions: SIMD
// on any target, no target-specific intrinsics; loads and stores by memcpy (unaligned, no
// aliasing questions).
#ifndef CSPLAT_LANE_TRANSPOSE_H
#define CSPLAT_LANE_TRANSPOSE_H

#include <stdint.h>

typedef float splat_f8 __attribute__((ext_vector_type(8)));

// r[i][j] becomes r[j][i].
static inline void splat_transpose8(splat_f8 r[8]) {
    splat_f8 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[2 * i + 1] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int h = 0; h < 8; h += 4) {
        u[h] = __builtin_shufflevector(t[h], t[h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[h + 1] = __builtin_shufflevector(t[h], t[h + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[h + 2] = __builtin_shufflevector(t[h + 1], t[h + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[h + 3] = __builtin_shufflevector(t[h + 1], t[h + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        r[i + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

// lanes[k * stride + l] = rows[l][k] for k < count, l < 8.
static inline void splat_rows_to_lanes(const float *const rows[8], int32_t count, float *lanes, int32_t stride) {
    int32_t k = 0;
    for (; k + 8 <= count; k += 8) {
        splat_f8 r[8];
        for (int l = 0; l < 8; l++) __builtin_memcpy(&r[l], rows[l] + k, sizeof r[l]);
        splat_transpose8(r);
        for (int j = 0; j < 8; j++) __builtin_memcpy(lanes + (k + j) * stride, &r[j], sizeof r[j]);
    }
    for (; k < count; k++)
        for (int l = 0; l < 8; l++) lanes[k * stride + l] = rows[l][k];
}

#endif
