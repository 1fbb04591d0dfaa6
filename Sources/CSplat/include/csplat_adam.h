// Adam optimiser step (Kingma & Ba, with bias correction, as torch.optim.Adam and 3DGS use it).
#ifndef CSPLAT_ADAM_H
#define CSPLAT_ADAM_H

#include "csplat_types.h"

typedef struct {
    float learning_rate;
    float beta1;   // 0.9
    float beta2;   // 0.999
    float epsilon; // 1e-15 as in 3DGS
} csplat_adam_settings;

// One step for the elements [begin, end) of one parameter group; step counts from 1.
//   m = β1 m + (1 - β1) g;  v = β2 v + (1 - β2) g²
//   param -= lr (m / (1 - β1^step)) / (sqrt(v / (1 - β2^step)) + ε)
void csplat_adam_step(float *params, const float *grads, float *m, float *v,
                      csplat_adam_settings settings, int32_t step, size_t begin, size_t end);

// As csplat_adam_step for elements [begin, end) of an array of rows of `row` floats, where the
// first `head` floats of each row take head_learning_rate instead (the SH DC coefficients, whose
// rate differs from the higher degrees stored beside them).
void csplat_adam_step_rows(float *params, const float *grads, float *m, float *v,
                           csplat_adam_settings settings, float head_learning_rate,
                           int32_t row, int32_t head, int32_t step, size_t begin, size_t end);

// As csplat_adam_step_rows for the rows [row_begin, row_end) (one row per splat) whose splat was
// visible in the last render (radii[j] > 0), leaving the other rows, their moments included,
// untouched: the "visible" (sparse) Adam of gsplat. The step count and so the bias correction
// stay global. With every splat visible it equals csplat_adam_step_rows.
void csplat_adam_step_visible_rows(float *params, const float *grads, float *m, float *v,
                                   csplat_adam_settings settings, float head_learning_rate,
                                   int32_t row, int32_t head, int32_t step, const int32_t *radii,
                                   int32_t row_begin, int32_t row_end);

#endif
