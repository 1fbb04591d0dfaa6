// exp as straight-line float code the compiler can vectorise (libm's expf stops it).
// splat_exp_any: Cephes-style, range reduction by ln 2 in two parts, degree-6 polynomial, within
// about 2 ulp of expf, argument clamped to [-87, 88] (scales and opacities in the projection).
// splat_exp2: 2^x for the blend loops' Gaussian falloff (below).
#ifndef CSPLAT_FAST_EXP_H
#define CSPLAT_FAST_EXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float splat_exp_core(float x) {
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// 2^x for x <= 0 (clamped to [-126, 0]): x = n + r with n the nearest integer, |r| <= ½, and
// 2^r by a degree-5 polynomial fitted for relative error (at most 1.9e-7 on [-½, ½], under
// 2 ulp). The blend loops use it with log2(e) folded into the conic, which saves exp's
// two-part reduction by ln 2.
static inline float splat_exp2(float x) {
    x = fminf(fmaxf(x, -126.0f), 0.0f);
    const float n = rintf(x), r = x - n;
    float p = 0.001326472731307149f;
    p = fmaf(p, r, 0.009671512991189957f);
    p = fmaf(p, r, 0.05550733581185341f);
    p = fmaf(p, r, 0.24022242426872253f);
    p = fmaf(p, r, 0.6931470036506653f);
    p = fmaf(p, r, 1.0f);
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float splat_exp_any(float x) { return splat_exp_core(fminf(fmaxf(x, -87.0f), 88.0f)); }

#endif
