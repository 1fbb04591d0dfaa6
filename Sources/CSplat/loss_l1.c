// L1 loss (csplat_loss.h).
#include "csplat_loss.h"

double csplat_l1_sum(const float *x, const float *y, const float *weights, size_t begin, size_t end) {
    double sum = 0;
    for (size_t i = begin; i < end; i++) {
        float d = x[i] - y[i];
        float a = d < 0 ? -d : d;
        sum += weights ? weights[i / 3] * a : a;
    }
    return sum;
}

void csplat_l1_backward(const float *x, const float *y, const float *weights, float scale, float *grad,
                        size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
        float d = x[i] - y[i];
        float s = weights ? scale * weights[i / 3] : scale;
        grad[i] += d > 0 ? s : (d < 0 ? -s : 0.0f);
    }
}
