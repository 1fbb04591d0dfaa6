// Adam step over a range (csplat_adam.h).
#include "csplat_adam.h"
#include <math.h>

// Bias-corrected step size lr / (1 - β1^t) and 1 / sqrt(1 - β2^t).
static void corrections(csplat_adam_settings s, int32_t step, float *c1, float *inv_sqrt_c2) {
    *c1 = 1.0f / (1.0f - (float)pow(s.beta1, step));
    *inv_sqrt_c2 = 1.0f / sqrtf(1.0f - (float)pow(s.beta2, step));
}

// Elements [begin, end) with one step size. restrict: the arrays never overlap, which lets the
// compiler vectorise without run-time overlap checks.
static inline void update_run(float *restrict params, const float *restrict grads, float *restrict m,
                              float *restrict v, size_t begin, size_t end, float b1, float b2, float eps,
                              float step_size, float inv_sqrt_c2) {
    for (size_t i = begin; i < end; i++) {
        const float g = grads[i];
        const float mi = b1 * m[i] + (1.0f - b1) * g;
        const float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= step_size * mi / (sqrtf(vi) * inv_sqrt_c2 + eps);
    }
}

void csplat_adam_step(float *params, const float *grads, float *m, float *v,
                      csplat_adam_settings s, int32_t step, size_t begin, size_t end) {
    float c1, inv_sqrt_c2;
    corrections(s, step, &c1, &inv_sqrt_c2);
    update_run(params, grads, m, v, begin, end, s.beta1, s.beta2, s.epsilon, s.learning_rate * c1, inv_sqrt_c2);
}

// One row of `row` floats whose first `head` take head_step.
static inline void update_row(float *restrict params, const float *restrict grads, float *restrict m,
                              float *restrict v, size_t start, int32_t row, int32_t head, float b1, float b2,
                              float eps, float head_step, float rest_step, float inv_sqrt_c2) {
    for (int32_t k = 0; k < row; k++) {
        const size_t i = start + (size_t)k;
        const float g = grads[i];
        const float mi = b1 * m[i] + (1.0f - b1) * g;
        const float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        const float step_size = k < head ? head_step : rest_step;
        params[i] -= step_size * mi / (sqrtf(vi) * inv_sqrt_c2 + eps);
    }
}

void csplat_adam_step_rows(float *params, const float *grads, float *m, float *v,
                           csplat_adam_settings s, float head_learning_rate,
                           int32_t row, int32_t head, int32_t step, size_t begin, size_t end) {
    float c1, inv_sqrt_c2;
    corrections(s, step, &c1, &inv_sqrt_c2);
    const float head_step = head_learning_rate * c1, rest_step = s.learning_rate * c1;
    const size_t r = (size_t)row;
    size_t i = begin;
    // A partial first row, whole rows, a partial last row.
    if (i % r != 0) {
        const size_t row_start = i - i % r, row_end = row_start + r < end ? row_start + r : end;
        const size_t head_end = row_start + (size_t)head;
        if (i < head_end) {
            const size_t stop = head_end < row_end ? head_end : row_end;
            update_run(params, grads, m, v, i, stop, s.beta1, s.beta2, s.epsilon, head_step, inv_sqrt_c2);
            i = stop;
        }
        update_run(params, grads, m, v, i, row_end, s.beta1, s.beta2, s.epsilon, rest_step, inv_sqrt_c2);
        i = row_end;
    }
    for (; i + r <= end; i += r)
        update_row(params, grads, m, v, i, row, head, s.beta1, s.beta2, s.epsilon, head_step, rest_step, inv_sqrt_c2);
    if (i < end) {
        const size_t head_end = i + (size_t)head < end ? i + (size_t)head : end;
        update_run(params, grads, m, v, i, head_end, s.beta1, s.beta2, s.epsilon, head_step, inv_sqrt_c2);
        update_run(params, grads, m, v, head_end, end, s.beta1, s.beta2, s.epsilon, rest_step, inv_sqrt_c2);
    }
}

void csplat_adam_step_visible_rows(float *params, const float *grads, float *m, float *v,
                                   csplat_adam_settings s, float head_learning_rate,
                                   int32_t row, int32_t head, int32_t step, const int32_t *radii,
                                   int32_t row_begin, int32_t row_end) {
    float c1, inv_sqrt_c2;
    corrections(s, step, &c1, &inv_sqrt_c2);
    const float head_step = head_learning_rate * c1, rest_step = s.learning_rate * c1;
    for (int32_t j = row_begin; j < row_end; j++) {
        if (radii[j] <= 0) continue;
        update_row(params, grads, m, v, (size_t)j * (size_t)row, row, head, s.beta1, s.beta2, s.epsilon,
                   head_step, rest_step, inv_sqrt_c2);
    }
}
