// SSIM loss with a separable 11×11 Gaussian window (csplat_loss.h).
//
// With μ, E[x²], E[xy] the window means, SSIM per pixel and channel is
//   s = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
// σx² = E[x²] - μx², σxy = E[xy] - μx μy. Its gradient with respect to x is
//   d(Σ w s)/dx = blur(A) + 2 x blur(B) + y blur(C)
// with A = w ds/dμx, B = w ds/dE[x²], C = w ds/dE[xy] per pixel (the zero-padded symmetric blur
// is its own adjoint).
//
// scratch layout, P = width × height × 3 floats each:
//   [0, 5P)  horizontal blurs of x, y, x², y², xy (phase 1); later horizontal blurs of A, B, C
//   [5P, 8P) A, B, C (phase 2)
#include "csplat_loss.h"
#include <math.h>

enum { RADIUS = 5, TAPS = 2 * RADIUS + 1 };

static void window(float w[TAPS]) {
    float sum = 0;
    for (int i = 0; i < TAPS; i++) {
        float d = (float)(i - RADIUS);
        w[i] = expf(-d * d / (2.0f * 1.5f * 1.5f));
        sum += w[i];
    }
    for (int i = 0; i < TAPS; i++) w[i] /= sum;
}

size_t csplat_ssim_scratch_floats(int32_t width, int32_t height) {
    return (size_t)8 * (size_t)width * (size_t)height * 3;
}

// Horizontal blur of one row of an interleaved RGB image of a·b (or of a alone when b is NULL),
// zero outside the image: tap by tap over the whole row, so the inner loops vectorise.
static void blur_row(const float *a, const float *b, float *out, int32_t width, const float w[TAPS]) {
    const int32_t n = 3 * width;
    for (int32_t j = 0; j < n; j++) out[j] = 0;
    for (int32_t k = 0; k < TAPS; k++) {
        const int32_t off = 3 * (k - RADIUS);
        const int32_t lo = off < 0 ? -off : 0, hi = off > 0 ? n - off : n;
        const float wk = w[k];
        if (b) {
            for (int32_t j = lo; j < hi; j++) out[j] += wk * a[j + off] * b[j + off];
        } else {
            for (int32_t j = lo; j < hi; j++) out[j] += wk * a[j + off];
        }
    }
}

void csplat_ssim_blur_rows(const float *x, const float *y, int32_t width, int32_t height,
                           float *scratch, int32_t row_begin, int32_t row_end) {
    float w[TAPS];
    window(w);
    const int32_t stride = 3 * width;
    const size_t plane = (size_t)stride * height;
    for (int32_t r = row_begin; r < row_end; r++) {
        const float *xr = x + (size_t)r * stride, *yr = y + (size_t)r * stride;
        float *o = scratch + (size_t)r * stride;
        blur_row(xr, NULL, o, width, w);
        blur_row(yr, NULL, o + plane, width, w);
        blur_row(xr, xr, o + 2 * plane, width, w);
        blur_row(yr, yr, o + 3 * plane, width, w);
        blur_row(xr, yr, o + 4 * plane, width, w);
    }
}

double csplat_ssim_rows(int32_t width, int32_t height, const float *weights, float *scratch,
                        int32_t want_gradient, int32_t row_begin, int32_t row_end) {
    const float C1 = 0.01f * 0.01f, C2 = 0.03f * 0.03f;
    float w[TAPS];
    window(w);
    const int32_t stride = 3 * width;
    const size_t plane = (size_t)stride * height;
    double total = 0;
    for (int32_t r = row_begin; r < row_end; r++) {
        // Blur results for this row go to the stack in chunks of the row, so nothing is allocated.
        enum { CHUNK = 1024 };
        for (int32_t c0 = 0; c0 < stride; c0 += CHUNK) {
            int32_t n = stride - c0 < CHUNK ? stride - c0 : CHUNK;
            float m[5][CHUNK];
            for (int q = 0; q < 5; q++) {
                for (int32_t i = 0; i < n; i++) m[q][i] = 0;
                for (int32_t k = 0; k < TAPS; k++) {
                    int32_t yy = r + k - RADIUS;
                    if (yy < 0 || yy >= height) continue;
                    const float *row = scratch + q * plane + (size_t)yy * stride + c0;
                    for (int32_t i = 0; i < n; i++) m[q][i] += w[k] * row[i];
                }
            }
            float *pa = scratch + 5 * plane + (size_t)r * stride + c0;
            float *pb = pa + plane, *pc = pa + 2 * plane;
            double row_sum = 0;
            for (int32_t i = 0; i < n; i++) {
                const float mx = m[0][i], my = m[1][i];
                const float vx = m[2][i] - mx * mx, vy = m[3][i] - my * my, cxy = m[4][i] - mx * my;
                const float num1 = 2 * mx * my + C1, num2 = 2 * cxy + C2;
                const float den1 = mx * mx + my * my + C1, den2 = vx + vy + C2;
                const float s = num1 * num2 / (den1 * den2);
                const float wgt = weights ? weights[((size_t)r * stride + c0 + i) / 3] : 1.0f;
                row_sum += wgt * s;
                if (want_gradient) {
                    const float ds_dmx = 2 * my * num2 / (den1 * den2) - s * 2 * mx / den1;
                    const float ds_dvx = -s / den2;
                    const float ds_dcxy = 2 * num1 / (den1 * den2);
                    pa[i] = wgt * (ds_dmx - 2 * mx * ds_dvx - my * ds_dcxy); // through σx², σxy
                    pb[i] = wgt * ds_dvx;
                    pc[i] = wgt * ds_dcxy;
                }
            }
            total += row_sum;
        }
    }
    return total;
}

void csplat_ssim_backward_blur_rows(int32_t width, int32_t height, float *scratch,
                                    int32_t row_begin, int32_t row_end) {
    float w[TAPS];
    window(w);
    const int32_t stride = 3 * width;
    const size_t plane = (size_t)stride * height;
    for (int32_t r = row_begin; r < row_end; r++)
        for (int q = 0; q < 3; q++)
            blur_row(scratch + (5 + q) * plane + (size_t)r * stride, NULL,
                     scratch + q * plane + (size_t)r * stride, width, w);
}

void csplat_ssim_backward_rows(const float *x, const float *y, int32_t width, int32_t height,
                               const float *scratch, float scale, float *grad,
                               int32_t row_begin, int32_t row_end) {
    float w[TAPS];
    window(w);
    const int32_t stride = 3 * width;
    const size_t plane = (size_t)stride * height;
    enum { CHUNK = 1024 };
    for (int32_t r = row_begin; r < row_end; r++) {
        const size_t o = (size_t)r * stride;
        for (int32_t c0 = 0; c0 < stride; c0 += CHUNK) {
            const int32_t n = stride - c0 < CHUNK ? stride - c0 : CHUNK;
            float ba[CHUNK], bb[CHUNK], bc[CHUNK]; // vertical blurs of A, B, C
            for (int32_t i = 0; i < n; i++) ba[i] = bb[i] = bc[i] = 0;
            for (int32_t k = 0; k < TAPS; k++) {
                const int32_t yy = r + k - RADIUS;
                if (yy < 0 || yy >= height) continue;
                const float *ra = scratch + (size_t)yy * stride + c0;
                const float *rb = ra + plane, *rc = ra + 2 * plane;
                for (int32_t i = 0; i < n; i++) {
                    ba[i] += w[k] * ra[i]; bb[i] += w[k] * rb[i]; bc[i] += w[k] * rc[i];
                }
            }
            for (int32_t i = 0; i < n; i++)
                grad[o + c0 + i] += scale * (ba[i] + 2 * x[o + c0 + i] * bb[i] + y[o + c0 + i] * bc[i]);
        }
    }
}
