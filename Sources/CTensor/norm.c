// Row-wise kernels: layer norm, adaLN modulation, bias rows, gated residuals.
#include "CTensor.h"
#include <math.h>

void v2w_layer_norm(const float *x, float *y, size_t rows, size_t dim, float eps) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * dim;
        float *yr = y + r * dim;
        // Two passes in double: the mean first, then the variance about it (no cancellation).
        double mean = 0;
        for (size_t i = 0; i < dim; i++) mean += xr[i];
        mean /= (double)dim;
        double var = 0;
        for (size_t i = 0; i < dim; i++) { double d = xr[i] - mean; var += d * d; }
        var /= (double)dim;
        const float m = (float)mean, inv = (float)(1.0 / sqrt(var + eps));
        for (size_t i = 0; i < dim; i++) yr[i] = (xr[i] - m) * inv;
    }
}

void v2w_modulate(float *x, size_t rows, size_t dim, const float *shift, const float *scale) {
    for (size_t r = 0; r < rows; r++) {
        float *xr = x + r * dim;
        for (size_t i = 0; i < dim; i++) xr[i] = xr[i] * (1.0f + scale[i]) + shift[i];
    }
}

void v2w_fill_rows(float *y, size_t rows, size_t dim, const float *bias) {
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < dim; i++) y[r * dim + i] = bias[i];
}

void v2w_add_row(float *x, size_t rows, size_t dim, const float *v) {
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < dim; i++) x[r * dim + i] += v[i];
}

void v2w_gated_add(float *x, const float *branch, size_t rows, size_t dim, const float *gate) {
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < dim; i++) x[r * dim + i] += gate[i] * branch[r * dim + i];
}

void v2w_softmax_rows(float *s, size_t rows, size_t cols, size_t stride, float scale) {
    for (size_t r = 0; r < rows; r++) {
        float *row = s + r * stride;
        float max = -INFINITY;
        for (size_t i = 0; i < cols; i++) max = row[i] > max ? row[i] : max;
        float sum = 0;
        for (size_t i = 0; i < cols; i++) { row[i] = expf(scale * (row[i] - max)); sum += row[i]; }
        const float inv = 1.0f / sum;
        for (size_t i = 0; i < cols; i++) row[i] *= inv;
    }
}
