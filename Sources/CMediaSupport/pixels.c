// Pixel loops that run on every decoded frame; plain loops the compiler vectorises.
#include "CMediaSupport.h"

void v2w_u8_to_float(const uint8_t *in, float *out, size_t count) {
    const float scale = 1.0f / 255.0f;
    for (size_t i = 0; i < count; i++) out[i] = (float)in[i] * scale;
}

void v2w_float_to_u8(const float *in, uint8_t *out, size_t count) {
    for (size_t i = 0; i < count; i++) {
        float v = in[i] * 255.0f + 0.5f;
        v = v > 0.0f ? v : 0.0f;  // also maps NaN to 0
        v = v < 255.0f ? v : 255.0f;
        out[i] = (uint8_t)v;
    }
}

void v2w_rotate_u8(const uint8_t *in, int width, int height, int in_stride, int channels,
                   int clockwise, uint8_t *out) {
    // Output size: 90/270 swap width and height.
    int out_width = (clockwise == 90 || clockwise == 270) ? height : width;
    for (int y = 0; y < height; y++) {
        const uint8_t *row = in + (size_t)y * (size_t)in_stride;
        for (int x = 0; x < width; x++) {
            int ox, oy;
            switch (clockwise) {
                case 90: ox = height - 1 - y; oy = x; break;
                case 180: ox = width - 1 - x; oy = height - 1 - y; break;
                case 270: ox = y; oy = width - 1 - x; break;
                default: ox = x; oy = y; break;
            }
            uint8_t *dst = out + ((size_t)oy * (size_t)out_width + (size_t)ox) * (size_t)channels;
            const uint8_t *src = row + (size_t)x * (size_t)channels;
            for (int c = 0; c < channels; c++) dst[c] = src[c];
        }
    }
}

double v2w_laplacian_variance(const float *gray, int width, int height) {
    if (width < 3 || height < 3) return 0.0;
    double sum = 0.0, sum_sq = 0.0;
    for (int y = 1; y < height - 1; y++) {
        const float *row = gray + (size_t)y * (size_t)width;
        const float *up = row - width, *down = row + width;
        float row_sum = 0.0f, row_sq = 0.0f;
        for (int x = 1; x < width - 1; x++) {
            float lap = up[x] + down[x] + row[x - 1] + row[x + 1] - 4.0f * row[x];
            row_sum += lap;
            row_sq += lap * lap;
        }
        sum += row_sum;
        sum_sq += row_sq;
    }
    double n = (double)(width - 2) * (double)(height - 2);
    double mean = sum / n;
    return sum_sq / n - mean * mean;
}
