// Elementwise kernels: activations, guidance, Euler steps.
#include "CTensor.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// e^x in straight-line arithmetic, so that the loops calling it vectorise (libm's expf and tanhf
// are scalar calls, which took half of a DiT forward pass): x = n ln 2 + r with |r| ≤ ln 2 / 2
// (ln 2 split in two parts so that r is exact), e^r by its degree-7 Taylor-like minimax
// polynomial (relative error below 2e-7), 2^n put in the exponent bits. x is clamped to
// [-87, 88], where e^x stays a normal float.
static inline float fast_expf(float x) {
    x = fminf(fmaxf(x, -87.0f), 88.0f);
    const float n = rintf(x * 1.44269504088896341f);
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

void v2w_silu(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = x[i] / (1.0f + fast_expf(-x[i]));
}

// GELU, tanh approximation (PyTorch's approximate="tanh", as DiT uses).
// 0.5 (1 + tanh u) = 1 / (1 + e^(−2u)), so the same value is x / (1 + e^(−2u)).
void v2w_gelu_tanh(float *x, size_t n) {
    const float k = 0.7978845608028654f;  // sqrt(2 / pi)
    for (size_t i = 0; i < n; i++) {
        const float v = x[i];
        x[i] = v / (1.0f + fast_expf(-2.0f * k * (v + 0.044715f * v * v * v)));
    }
}

void v2w_guidance(const float *a, const float *b, float g, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] + g * (b[i] - a[i]);
}

void v2w_axpy(float *x, const float *v, float h, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] += h * v[i];
}
