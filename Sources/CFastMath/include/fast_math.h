// e^x as straight-line float code the compiler can vectorise (a call to libm's expf stops a loop
// from vectorising). Shared by the splat kernels (CSplat) and the DiT kernels (CTensor).
#ifndef V2W_FAST_MATH_H
#define V2W_FAST_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

// Cephes-style: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 in two parts, so r is exact), e^r by a
// degree-7 polynomial, 2^n put into the exponent bits; within about 2 ulp of expf. The argument
// is clamped to [-87, 88], where e^x is a normal float.
static inline float v2w_exp(float x) {
    x = fminf(fmaxf(x, -87.0f), 88.0f);
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

// v2w_exp as a function, for tests and for callers outside C.
float v2w_exp_function(float x);

#endif
