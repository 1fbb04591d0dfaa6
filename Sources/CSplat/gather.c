// Per-entry gradients to per-splat gradients, in a fixed order (csplat_rasterize.h).
#include "csplat_rasterize.h"
#include <math.h>
#include <string.h>

void csplat_gather_gradients(const csplat_projected *pr, int32_t tiles_x, const uint32_t *offsets,
                             const uint32_t *entry_positions, const uint32_t *tile_stops,
                             const float *entry_grads, float *splat_grads,
                             float *mean2d_grad_norms, uint32_t *visible_counts,
                             int32_t begin, int32_t end) {
    for (int32_t i = begin; i < end; i++) {
        float sum[CSPLAT_GRAD_STRIDE] = {0};
        const int32_t *r = pr->tile_rects + 4 * i;
        uint32_t j = offsets[i];
        if (offsets[i + 1] > j) {
            // The splat's records lie one after another from j on: one sweep through memory.
            for (int32_t ty = r[1]; ty < r[3]; ty++)
                for (int32_t tx = r[0]; tx < r[2]; tx++, j++) {
                    // Entries past every pixel's last splat count as zeros: their records (never
                    // written, any bits) are ANDed with a zero mask. Which entries those are follows
                    // no pattern, so a branch (what a select on the pointer compiled to) mispredicts.
                    const uint32_t mask = 0u - (uint32_t)(entry_positions[j] < tile_stops[ty * tiles_x + tx]);
                    const float *g = entry_grads + (size_t)j * CSPLAT_GRAD_STRIDE;
                    for (int k = 0; k < CSPLAT_GRAD_STRIDE; k++) {
                        uint32_t bits;
                        memcpy(&bits, g + k, sizeof bits);
                        bits &= mask;
                        float v;
                        memcpy(&v, &bits, sizeof v);
                        sum[k] += v;
                    }
                }
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
