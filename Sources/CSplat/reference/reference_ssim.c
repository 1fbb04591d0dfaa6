// Reference SSIM in double precision: each 11×11 window summed directly.
#include "csplat_reference.h"
#include <math.h>

double csplat_reference_ssim(const double *x, const double *y, const double *weights, int32_t width,
                             int32_t height) {
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    double g[11], gsum = 0;
    for (int i = 0; i < 11; i++) { g[i] = exp(-(i - 5.0) * (i - 5.0) / (2 * 1.5 * 1.5)); gsum += g[i]; }
    for (int i = 0; i < 11; i++) g[i] /= gsum;
    double total = 0, weight_sum = 0;
    for (int32_t py = 0; py < height; py++)
        for (int32_t px = 0; px < width; px++)
            for (int ch = 0; ch < 3; ch++) {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int dy = -5; dy <= 5; dy++)
                    for (int dx = -5; dx <= 5; dx++) {
                        int32_t qx = px + dx, qy = py + dy;
                        if (qx < 0 || qx >= width || qy < 0 || qy >= height) continue; // zero padding
                        double wgt = g[dx + 5] * g[dy + 5];
                        double a = x[((size_t)qy * width + qx) * 3 + ch], b = y[((size_t)qy * width + qx) * 3 + ch];
                        mx += wgt * a; my += wgt * b; xx += wgt * a * a; yy += wgt * b * b; xy += wgt * a * b;
                    }
                double vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
                double wgt = weights ? weights[(size_t)py * width + px] : 1.0;
                total += wgt * (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                weight_sum += wgt;
            }
    return total / weight_sum;
}
