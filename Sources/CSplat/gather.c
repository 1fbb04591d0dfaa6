// Per-entry gradients to per-splat gradients, in a fixed order (csplat_rasterize.h).
#include "csplat_rasterize.h"
#include <math.h>

void csplat_gather_gradients(const uint32_t *offsets, const float *entry_grads, float *splat_grads,
                             float *mean2d_grad_norms, uint32_t *visible_counts,
                             int32_t begin, int32_t end) {
    for (int32_t i = begin; i < end; i++) {
        float sum[CSPLAT_GRAD_STRIDE] = {0};
        for (uint32_t j = offsets[i]; j < offsets[i + 1]; j++) {
            const float *g = entry_grads + (size_t)j * CSPLAT_GRAD_STRIDE;
            for (int k = 0; k < CSPLAT_GRAD_STRIDE; k++) sum[k] += g[k];
        }
        for (int k = 0; k < CSPLAT_GRAD_STRIDE; k++) splat_grads[(size_t)i * CSPLAT_GRAD_STRIDE + k] = sum[k];
        if (offsets[i + 1] > offsets[i]) {
            if (mean2d_grad_norms)
                mean2d_grad_norms[i] += sqrtf(sum[CSPLAT_GRAD_MEAN2D_X] * sum[CSPLAT_GRAD_MEAN2D_X] +
                                              sum[CSPLAT_GRAD_MEAN2D_Y] * sum[CSPLAT_GRAD_MEAN2D_Y]);
            if (visible_counts) visible_counts[i] += 1;
        }
    }
}
