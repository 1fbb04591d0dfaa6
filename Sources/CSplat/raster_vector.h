// Eight-lane vector helpers of the blend loops (clang vector extensions: SIMD on any target, no
// target-specific intrinsics). The loops over a group of eight pixel columns are written with
// them directly: left to the auto-vectoriser, per-pixel state that lives in registers (the
// bookkeeping of which rows a splat reached, the backward's sums) went through memory.
#ifndef CSPLAT_RASTER_VECTOR_H
#define CSPLAT_RASTER_VECTOR_H

#include <stdint.h>
#include "lane_transpose.h"

typedef int32_t splat_i8 __attribute__((ext_vector_type(8)));

static inline splat_f8 load8(const float *p) {
    splat_f8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
static inline splat_i8 load8i(const int32_t *p) {
    splat_i8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
static inline void store8(float *p, splat_f8 v) { __builtin_memcpy(p, &v, sizeof v); }
static inline void store8i(int32_t *p, splat_i8 v) { __builtin_memcpy(p, &v, sizeof v); }
static inline splat_f8 fma8(splat_f8 a, splat_f8 b, splat_f8 c) { return __builtin_elementwise_fma(a, b, c); }

// 2^x on eight lanes for x <= 0 (clamped to [-126, 0]), the blend loops' Gaussian falloff:
// x = n + r with n the nearest integer, |r| <= ½, and 2^r by a degree-5 polynomial fitted for
// relative error (at most 1.9e-7 on [-½, ½], under 2 ulp). log2(e) is folded into the conic,
// which saves exp's two-part reduction by ln 2. Forward and backward call this same function,
// so the backward finds the forward's alphas bit for bit.
static inline splat_f8 exp2_8(splat_f8 x) {
    x = x > -126.0f ? x : -126.0f; // fmaxf(x, -126) (NaN gives -126), then fminf(x, 0)
    x = x < 0.0f ? x : 0.0f;
    const splat_f8 n = __builtin_elementwise_roundeven(x), r = x - n;
    splat_f8 p = 0.001326472731307149f;
    p = fma8(p, r, 0.009671512991189957f);
    p = fma8(p, r, 0.05550733581185341f);
    p = fma8(p, r, 0.24022242426872253f);
    p = fma8(p, r, 0.6931470036506653f);
    p = fma8(p, r, 1.0f);
    const splat_i8 bits = (__builtin_convertvector(n, splat_i8) + 127) << 23;
    splat_f8 scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// The falloff exponent (raster_common.h) of eight pixels at offsets dx from the mean, in a row
// whose terms are b_dy and c_dy2; forward and backward both call this.
static inline splat_f8 power8(splat_f8 a, splat_f8 b_dy, splat_f8 c_dy2, splat_f8 dx) {
    return fma8(dx, fma8(a, dx, b_dy), c_dy2);
}

#endif
