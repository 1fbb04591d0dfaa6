// Bilinear resampling of an interleaved image at given source positions (lens undistortion).
#include "CDense.h"
#include <math.h>

void v2w_remap_bilinear(const float *src, int width, int height, int channels, const float *map,
                        float *dst, int dst_width, int row0, int row1, uint8_t *valid) {
    for (int y = row0; y < row1; y++) {
        for (int x = 0; x < dst_width; x++) {
            size_t o = (size_t)y * dst_width + x;
            float sx = map[2 * o], sy = map[2 * o + 1];
            if (valid) valid[o] = (sx >= 0 && sy >= 0 && sx <= (float)width && sy <= (float)height) ? 1 : 0;
            // Array coordinates of the sample (centres at integers), clamped to the border centres.
            float u = sx - 0.5f, v = sy - 0.5f;
            if (!(u > 0)) u = 0;
            if (!(v > 0)) v = 0;
            if (u > (float)(width - 1)) u = (float)(width - 1);
            if (v > (float)(height - 1)) v = (float)(height - 1);
            int iu = (int)u, iv = (int)v;
            int iu1 = iu + 1 < width ? iu + 1 : iu, iv1 = iv + 1 < height ? iv + 1 : iv;
            float fu = u - iu, fv = v - iv;
            const float *p00 = src + ((size_t)iv * width + iu) * channels, *p01 = src + ((size_t)iv * width + iu1) * channels;
            const float *p10 = src + ((size_t)iv1 * width + iu) * channels, *p11 = src + ((size_t)iv1 * width + iu1) * channels;
            float *out = dst + o * channels;
            for (int c = 0; c < channels; c++) {
                float top = p00[c] + fu * (p01[c] - p00[c]);
                float bottom = p10[c] + fu * (p11[c] - p10[c]);
                out[c] = top + fv * (bottom - top);
            }
        }
    }
}
