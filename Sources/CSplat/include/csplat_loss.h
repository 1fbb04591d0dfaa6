// Image losses for training: L1 and SSIM, forward and backward. Images are interleaved RGB
// floats, width × height × 3, row-major. Backward kernels ADD scale × d(sum)/dx to grad, so the
// terms of a combined loss accumulate into one gradient image. `weights` (width × height, one
// per pixel, or NULL for all 1) weigh each pixel's terms: 0 leaves a pixel out of the loss (a
// mask); normalise by 3 Σ weights for a mean.
#ifndef CSPLAT_LOSS_H
#define CSPLAT_LOSS_H

#include "csplat_types.h"

// Σ w |x - y| over the elements [begin, end) (element i belongs to pixel i / 3).
double csplat_l1_sum(const float *x, const float *y, const float *weights, size_t begin, size_t end);

// grad[i] += scale w sign(x[i] - y[i]) over [begin, end) (sign(0) = 0).
void csplat_l1_backward(const float *x, const float *y, const float *weights, float scale, float *grad,
                        size_t begin, size_t end);

// SSIM per channel with an 11×11 Gaussian window (σ 1.5), C1 = 0.01², C2 = 0.03², zero padding
// at the borders (as the 3DGS training code), in four row-parallel phases; each phase must
// finish on all rows before the next starts:
//   1. csplat_ssim_blur_rows            horizontal blur of x, y, x², y², xy
//   2. csplat_ssim_rows                 vertical blur, SSIM map; returns Σ w SSIM over the rows
//   3. csplat_ssim_backward_blur_rows   (backward only) horizontal blur of the map's partials
//   4. csplat_ssim_backward_rows        (backward only) grad += scale d(Σ w SSIM)/dx
// The (weighted) mean SSIM is the sum of phase 2 over all rows divided by 3 Σ w. The windows
// still see every pixel: weights choose which pixels' SSIM counts, not what the windows read.
// scratch holds csplat_ssim_scratch_floats(width, height) floats.
size_t csplat_ssim_scratch_floats(int32_t width, int32_t height);
void csplat_ssim_blur_rows(const float *x, const float *y, int32_t width, int32_t height,
                           float *scratch, int32_t row_begin, int32_t row_end);
// want_gradient != 0 also stores the partial derivatives the backward phases need.
double csplat_ssim_rows(int32_t width, int32_t height, const float *weights, float *scratch,
                        int32_t want_gradient, int32_t row_begin, int32_t row_end);
void csplat_ssim_backward_blur_rows(int32_t width, int32_t height, float *scratch,
                                    int32_t row_begin, int32_t row_end);
void csplat_ssim_backward_rows(const float *x, const float *y, int32_t width, int32_t height,
                               const float *scratch, float scale, float *grad,
                               int32_t row_begin, int32_t row_end);

#endif
