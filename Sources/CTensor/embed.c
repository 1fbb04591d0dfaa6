// Fixed sin-cos embeddings and patch (un)folding.
#include "CTensor.h"
#include <math.h>

void v2w_sincos(const double *positions, size_t count, size_t dim, float *out, size_t stride) {
    const size_t half = dim / 2;
    for (size_t k = 0; k < half; k++) {
        const double omega = 1.0 / pow(10000.0, (double)k / (double)half);
        for (size_t j = 0; j < count; j++) {
            const double a = positions[j] * omega;
            out[j * stride + k] = (float)sin(a);
            out[j * stride + half + k] = (float)cos(a);
        }
    }
}

void v2w_timestep_features(double t, size_t dim, float *out) {
    const size_t half = dim / 2;
    for (size_t k = 0; k < half; k++) {
        const double a = t * 1000.0 * exp(-log(10000.0) * (double)k / (double)half);
        out[k] = (float)cos(a);
        out[half + k] = (float)sin(a);
    }
}

void v2w_patchify(const float *images, size_t n, size_t c, size_t h, size_t w, size_t p, float *tokens) {
    const size_t gh = h / p, gw = w / p, len = p * p * c;
    for (size_t i = 0; i < n; i++)
        for (size_t gy = 0; gy < gh; gy++)
            for (size_t gx = 0; gx < gw; gx++) {
                float *tok = tokens + ((i * gh + gy) * gw + gx) * len;
                for (size_t py = 0; py < p; py++)
                    for (size_t px = 0; px < p; px++)
                        for (size_t ch = 0; ch < c; ch++)
                            tok[(py * p + px) * c + ch] = images[((i * c + ch) * h + gy * p + py) * w + gx * p + px];
            }
}

void v2w_unpatchify(const float *tokens, size_t n, size_t c, size_t h, size_t w, size_t p, float *images) {
    const size_t gh = h / p, gw = w / p, len = p * p * c;
    for (size_t i = 0; i < n; i++)
        for (size_t gy = 0; gy < gh; gy++)
            for (size_t gx = 0; gx < gw; gx++) {
                const float *tok = tokens + ((i * gh + gy) * gw + gx) * len;
                for (size_t py = 0; py < p; py++)
                    for (size_t px = 0; px < p; px++)
                        for (size_t ch = 0; ch < c; ch++)
                            images[((i * c + ch) * h + gy * p + py) * w + gx * p + px] = tok[(py * p + px) * c + ch];
            }
}
