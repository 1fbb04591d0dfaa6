// Adam step over a range (csplat_adam.h).
#include "csplat_adam.h"
#include <math.h>

// Bias-corrected step size lr / (1 - β1^t) and 1 / sqrt(1 - β2^t).
static void corrections(csplat_adam_settings s, int32_t step, float *c1, float *inv_sqrt_c2) {
    *c1 = 1.0f / (1.0f - (float)pow(s.beta1, step));
    *inv_sqrt_c2 = 1.0f / sqrtf(1.0f - (float)pow(s.beta2, step));
}

static inline void update(float *params, const float *grads, float *m, float *v, size_t i,
                          float b1, float b2, float eps, float step_size, float inv_sqrt_c2) {
    const float g = grads[i];
    const float mi = b1 * m[i] + (1.0f - b1) * g;
    const float vi = b2 * v[i] + (1.0f - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= step_size * mi / (sqrtf(vi) * inv_sqrt_c2 + eps);
}

void csplat_adam_step(float *params, const float *grads, float *m, float *v,
                      csplat_adam_settings s, int32_t step, size_t begin, size_t end) {
    float c1, inv_sqrt_c2;
    corrections(s, step, &c1, &inv_sqrt_c2);
    const float step_size = s.learning_rate * c1;
    for (size_t i = begin; i < end; i++)
        update(params, grads, m, v, i, s.beta1, s.beta2, s.epsilon, step_size, inv_sqrt_c2);
}

void csplat_adam_step_rows(float *params, const float *grads, float *m, float *v,
                           csplat_adam_settings s, float head_learning_rate,
                           int32_t row, int32_t head, int32_t step, size_t begin, size_t end) {
    float c1, inv_sqrt_c2;
    corrections(s, step, &c1, &inv_sqrt_c2);
    const float head_step = head_learning_rate * c1, rest_step = s.learning_rate * c1;
    // Runs of elements with one rate: the head of a row, then its rest.
    for (size_t i = begin; i < end;) {
        const size_t in_row = i % (size_t)row, row_start = i - in_row;
        const int is_head = in_row < (size_t)head;
        size_t stop = row_start + (is_head ? (size_t)head : (size_t)row);
        if (stop > end) stop = end;
        const float step_size = is_head ? head_step : rest_step;
        for (; i < stop; i++) update(params, grads, m, v, i, s.beta1, s.beta2, s.epsilon, step_size, inv_sqrt_c2);
    }
}
