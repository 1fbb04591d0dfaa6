// Gaussian scale space: separable blur, resampling, differences.
#include <math.h>
#include "CFeatures.h"

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

void v2w_blur_horizontal(const float *src, float *dst, int width, int height,
                         const float *kernel, int radius, int row0, int row1) {
    (void)height;
    // Interior columns accumulate tap by tap across the row (vectorises); the few border
    // columns replicate the edge pixel.
    const int lo = radius < width ? radius : width, hi = width - radius > lo ? width - radius : lo;
    for (int y = row0; y < row1; y++) {
        const float *s = src + (size_t)y * width;
        float *d = dst + (size_t)y * width;
        for (int x = lo; x < hi; x++) d[x] = 0;
        for (int k = 0; k <= 2 * radius; k++) {
            const float w = kernel[k];
            const float *p = s + k - radius;
            for (int x = lo; x < hi; x++) d[x] += w * p[x];
        }
        for (int x = 0; x < width; x++) {
            if (x == lo) x = hi;
            if (x >= width) break;
            float acc = 0;
            for (int k = -radius; k <= radius; k++) acc += kernel[k + radius] * s[clampi(x + k, 0, width - 1)];
            d[x] = acc;
        }
    }
}

void v2w_blur_vertical(const float *src, float *dst, int width, int height,
                       const float *kernel, int radius, int row0, int row1) {
    for (int y = row0; y < row1; y++) {
        float *d = dst + (size_t)y * width;
        for (int x = 0; x < width; x++) d[x] = 0;
        for (int k = -radius; k <= radius; k++) {
            const float *s = src + (size_t)clampi(y + k, 0, height - 1) * width;
            const float w = kernel[k + radius];
            for (int x = 0; x < width; x++) d[x] += w * s[x];
        }
    }
}

void v2w_upsample2(const float *src, int width, int height, float *dst, int row0, int row1) {
    const int ow = 2 * width;
    for (int y = row0; y < row1; y++) {
        // Output pixel centre y + 0.5 sits at input coordinate (y + 0.5) / 2, index y/2 − 0.25.
        float sy = 0.5f * y - 0.25f;
        int y0 = (int)(sy < 0 ? -1 : sy);
        float fy = sy - y0;
        const float *r0 = src + (size_t)clampi(y0, 0, height - 1) * width;
        const float *r1 = src + (size_t)clampi(y0 + 1, 0, height - 1) * width;
        float *d = dst + (size_t)y * ow;
        for (int x = 0; x < ow; x++) {
            float sx = 0.5f * x - 0.25f;
            int x0 = (int)(sx < 0 ? -1 : sx);
            float fx = sx - x0;
            int xa = clampi(x0, 0, width - 1), xb = clampi(x0 + 1, 0, width - 1);
            float top = r0[xa] + fx * (r0[xb] - r0[xa]);
            float bottom = r1[xa] + fx * (r1[xb] - r1[xa]);
            d[x] = top + fy * (bottom - top);
        }
    }
}

void v2w_downsample2(const float *src, int width, int height, float *dst) {
    const int ow = (width + 1) / 2, oh = (height + 1) / 2;
    for (int y = 0; y < oh; y++) {
        const float *s = src + (size_t)(2 * y) * width;
        float *d = dst + (size_t)y * ow;
        for (int x = 0; x < ow; x++) d[x] = s[2 * x];
    }
}

// Weight of input cell [i, i + 1) inside the output footprint [a, b).
static inline float overlap(int i, double a, double b) {
    double lo = i > a ? i : a, hi = i + 1 < b ? i + 1 : b;
    return hi > lo ? (float)(hi - lo) : 0.0f;
}

void v2w_shrink_horizontal(const float *src, int width, int height, float *dst, int out_width, int row0, int row1) {
    (void)height;
    const double scale = (double)width / out_width;
    for (int y = row0; y < row1; y++) {
        const float *s = src + (size_t)y * width;
        float *d = dst + (size_t)y * out_width;
        for (int x = 0; x < out_width; x++) {
            const double a = x * scale, b = (x + 1) * scale;
            int i0 = (int)a, i1 = (int)ceil(b);
            if (i1 > width) i1 = width;
            float acc = 0;
            for (int i = i0; i < i1; i++) acc += overlap(i, a, b) * s[i];
            d[x] = (float)(acc / scale);
        }
    }
}

void v2w_shrink_vertical(const float *src, int width, int height, float *dst, int out_height, int row0, int row1) {
    const double scale = (double)height / out_height;
    for (int y = row0; y < row1; y++) {
        float *d = dst + (size_t)y * width;
        for (int x = 0; x < width; x++) d[x] = 0;
        const double a = y * scale, b = (y + 1) * scale;
        int i0 = (int)a, i1 = (int)ceil(b);
        if (i1 > height) i1 = height;
        for (int i = i0; i < i1; i++) {
            const float w = (float)(overlap(i, a, b) / scale);
            const float *s = src + (size_t)i * width;
            for (int x = 0; x < width; x++) d[x] += w * s[x];
        }
    }
}

void v2w_subtract(const float *a, const float *b, float *out, size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) out[i] = a[i] - b[i];
}
