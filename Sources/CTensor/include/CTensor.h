// C kernels for the DiT that BLAS does not cover. Flat float arrays owned by the caller; no
// allocation, no globals; each call works on the rows it is given, single-threaded.
#ifndef CTENSOR_H
#define CTENSOR_H

#include <stddef.h>

// --- rows of a [rows, dim] matrix
// y = (x - mean) / sqrt(var + eps), per row (no affine; DiT's adaLN supplies scale and shift).
void v2w_layer_norm(const float *x, float *y, size_t rows, size_t dim, float eps);
// x = x * (1 + scale) + shift, the same shift/scale vector [dim] for every row.
void v2w_modulate(float *x, size_t rows, size_t dim, const float *shift, const float *scale);
// y[r] = bias for every row (the start of a Linear with beta = 1).
void v2w_fill_rows(float *y, size_t rows, size_t dim, const float *bias);
// x[r] += v for every row.
void v2w_add_row(float *x, size_t rows, size_t dim, const float *v);
// x += gate * branch, gate a [dim] vector shared by every row.
void v2w_gated_add(float *x, const float *branch, size_t rows, size_t dim, const float *gate);
// softmax(scale * s) per row, in place; rows of `cols` values, `stride` apart.
void v2w_softmax_rows(float *s, size_t rows, size_t cols, size_t stride, float scale);

// --- elementwise, in place
void v2w_silu(float *x, size_t n);
void v2w_gelu_tanh(float *x, size_t n);
// out = a + g * (b - a): classifier-free guidance (a unconditional, b conditional).
void v2w_guidance(const float *a, const float *b, float g, float *out, size_t n);
// x += h * v: one Euler step.
void v2w_axpy(float *x, const float *v, float h, size_t n);

// --- embeddings (maths in double, stored as float)
// [count, dim]: sin(p·ω_k) for k < dim/2, then cos(p·ω_k); ω_k = 10000^(-k / (dim/2)).
// Written with row stride `stride` so axes can be placed side by side.
void v2w_sincos(const double *positions, size_t count, size_t dim, float *out, size_t stride);
// [dim]: cos(1000 t · f_k) then sin(1000 t · f_k); f_k = exp(-ln(10000) k / (dim/2)).
void v2w_timestep_features(double t, size_t dim, float *out);

// --- patches. Images [n, c, h, w]; tokens [n · (h/p) · (w/p), p·p·c], ordered (image, row, column),
// each patch vector ordered (row in patch, column in patch, channel).
void v2w_patchify(const float *images, size_t n, size_t c, size_t h, size_t w, size_t p, float *tokens);
void v2w_unpatchify(const float *tokens, size_t n, size_t c, size_t h, size_t w, size_t p, float *images);

// --- convolution. image [c, h, w] → columns [c·9, h·w]: row ch·9 + ky·3 + kx holds the pixels at
// offset dilation · (ky − 1, kx − 1) (zero outside), so a 3×3 convolution (padding = dilation) with
// PyTorch weights [out, c, 3, 3] is weights [out, c·9] × columns.
void v2w_im2col_3x3(const float *image, size_t c, size_t h, size_t w, size_t dilation, float *columns);

#endif
