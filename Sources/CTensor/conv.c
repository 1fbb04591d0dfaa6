// Unfolding for 3×3 convolutions (the orbit refiner): a convolution becomes one GEMM.
#include "CTensor.h"

void v2w_im2col_3x3(const float *image, size_t c, size_t h, size_t w, size_t dilation, float *columns) {
    const long d = (long)dilation;
    const size_t plane = h * w;
    for (size_t ch = 0; ch < c; ch++)
        for (size_t ky = 0; ky < 3; ky++)
            for (size_t kx = 0; kx < 3; kx++) {
                float *row = columns + (ch * 9 + ky * 3 + kx) * plane;
                for (size_t y = 0; y < h; y++) {
                    // source row y + d·(ky - 1), column x + d·(kx - 1); outside the image: zero padding
                    const long sy = (long)y + d * ((long)ky - 1);
                    float *out = row + y * w;
                    if (sy < 0 || sy >= (long)h) {
                        for (size_t x = 0; x < w; x++) out[x] = 0.0f;
                        continue;
                    }
                    const float *src = image + ch * plane + (size_t)sy * w;
                    for (size_t x = 0; x < w; x++) {
                        const long sx = (long)x + d * ((long)kx - 1);
                        out[x] = (sx < 0 || sx >= (long)w) ? 0.0f : src[sx];
                    }
                }
            }
}
