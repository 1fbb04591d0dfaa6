// Elementwise kernels: activations, guidance, Euler steps.
#include "CTensor.h"
#include <math.h>

void v2w_silu(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = x[i] / (1.0f + expf(-x[i]));
}

// GELU, tanh approximation (PyTorch's approximate="tanh", as DiT uses).
void v2w_gelu_tanh(float *x, size_t n) {
    const float k = 0.7978845608028654f;  // sqrt(2 / pi)
    for (size_t i = 0; i < n; i++) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.0f + tanhf(k * (v + 0.044715f * v * v * v)));
    }
}

void v2w_guidance(const float *a, const float *b, float g, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] + g * (b[i] - a[i]);
}

void v2w_axpy(float *x, const float *v, float h, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] += h * v[i];
}
