// Adam step over a range (csplat_adam.h).
#include "csplat_adam.h"
#include <math.h>

void csplat_adam_step(float *params, const float *grads, float *m, float *v,
                      csplat_adam_settings s, int32_t step, size_t begin, size_t end) {
    const float b1 = s.beta1, b2 = s.beta2;
    const float correction1 = 1.0f - (float)pow(b1, step);
    const float correction2 = 1.0f - (float)pow(b2, step);
    const float step_size = s.learning_rate / correction1;
    const float inv_sqrt_c2 = 1.0f / sqrtf(correction2);
    for (size_t i = begin; i < end; i++) {
        const float g = grads[i];
        const float mi = b1 * m[i] + (1.0f - b1) * g;
        const float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= step_size * mi / (sqrtf(vi) * inv_sqrt_c2 + s.epsilon);
    }
}
