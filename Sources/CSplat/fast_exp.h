// exp as straight-line float code the compiler can vectorise (libm's expf stops it).
// splat_exp_any: CFastMath's v2w_exp (scales and opacities in the projection).
// splat_log_positive: ln x for the blend extents. (The blend loops' 2^x is exp2_8 in
// raster_vector.h.)
#ifndef CSPLAT_FAST_EXP_H
#define CSPLAT_FAST_EXP_H

#include <fast_math.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float splat_exp_any(float x) { return v2w_exp(x); }

// Natural log of a positive normal float, as straight-line code that vectorises (libm's logf
// stops it): x = m 2^e with m in [√½, √2), ln(1 + f) for f = m - 1 by the Cephes degree-8
// polynomial, e ln 2 in two parts. Within 1 ulp of log on [1, 300] (tested up to 0.83 ulp).
static inline float splat_log_positive(float x) {
    int32_t bits;
    memcpy(&bits, &x, sizeof bits);
    float e = (float)(((bits >> 23) & 255) - 127);
    const int32_t mantissa_bits = (bits & 0x007fffff) | 0x3f800000;
    float m;
    memcpy(&m, &mantissa_bits, sizeof m);
    const int high = m > 1.41421356237f;
    m = high ? 0.5f * m : m;
    e = high ? e + 1.0f : e;
    const float f = m - 1.0f, z = f * f;
    float p = 7.0376836292e-2f;
    p = p * f - 1.1514610310e-1f;
    p = p * f + 1.1676998740e-1f;
    p = p * f - 1.2420140846e-1f;
    p = p * f + 1.4249322787e-1f;
    p = p * f - 1.6668057665e-1f;
    p = p * f + 2.0000714765e-1f;
    p = p * f - 2.4999993993e-1f;
    p = p * f + 3.3333331174e-1f;
    float y = p * f * z;
    y += e * -2.12194440e-4f;
    y += -0.5f * z;
    return (f + y) + e * 0.693359375f;
}

#endif
