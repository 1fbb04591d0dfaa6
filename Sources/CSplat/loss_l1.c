// L1 loss (csplat_loss.h).
#include "csplat_loss.h"

double csplat_l1_sum(const float *x, const float *y, size_t begin, size_t end) {
    double sum = 0;
    for (size_t i = begin; i < end; i++) {
        float d = x[i] - y[i];
        sum += d < 0 ? -d : d;
    }
    return sum;
}

void csplat_l1_backward(const float *x, const float *y, float scale, float *grad, size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
        float d = x[i] - y[i];
        grad[i] += d > 0 ? scale : (d < 0 ? -scale : 0.0f);
    }
}
