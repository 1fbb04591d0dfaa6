// Scale-space extrema of the difference of Gaussians and their quadratic refinement.
#include <math.h>
#include "CFeatures.h"

int v2w_find_extrema(const float *below, const float *mid, const float *above, int width, int height,
                     float threshold, int border, int row0, int row1, int32_t *out_xy, int capacity) {
    int count = 0;
    if (row0 < border) row0 = border;
    if (row1 > height - border) row1 = height - border;
    const int w = width;
    for (int y = row0; y < row1; y++) {
        for (int x = border; x < width - border; x++) {
            const size_t i = (size_t)y * w + x;
            const float v = mid[i];
            if (!(fabsf(v) > threshold)) continue;
            int extremum = 1;
            if (v > 0) {
                for (int dy = -1; dy <= 1 && extremum; dy++) {
                    const size_t r = i + (ptrdiff_t)dy * w;
                    if (v < below[r - 1] || v < below[r] || v < below[r + 1] ||
                        v < above[r - 1] || v < above[r] || v < above[r + 1] ||
                        v < mid[r - 1] || v < mid[r + 1] || (dy != 0 && v < mid[r])) extremum = 0;
                }
            } else {
                for (int dy = -1; dy <= 1 && extremum; dy++) {
                    const size_t r = i + (ptrdiff_t)dy * w;
                    if (v > below[r - 1] || v > below[r] || v > below[r + 1] ||
                        v > above[r - 1] || v > above[r] || v > above[r + 1] ||
                        v > mid[r - 1] || v > mid[r + 1] || (dy != 0 && v > mid[r])) extremum = 0;
                }
            }
            if (!extremum) continue;
            if (count >= capacity) return count;
            out_xy[2 * count] = x;
            out_xy[2 * count + 1] = y;
            count++;
        }
    }
    return count;
}

// Solves the symmetric 3×3 system H o = −g by Cramer's rule; returns 0 when singular.
static int solve3(const float h[9], const float g[3], float o[3]) {
    double a = h[0], b = h[1], c = h[2], d = h[4], e = h[5], f = h[8];
    double det = a * (d * f - e * e) - b * (b * f - c * e) + c * (b * e - c * d);
    if (fabs(det) < 1e-20) return 0;
    double i00 = d * f - e * e, i01 = c * e - b * f, i02 = b * e - c * d;
    double i11 = a * f - c * c, i12 = b * c - a * e, i22 = a * d - b * b;
    o[0] = (float)(-(i00 * g[0] + i01 * g[1] + i02 * g[2]) / det);
    o[1] = (float)(-(i01 * g[0] + i11 * g[1] + i12 * g[2]) / det);
    o[2] = (float)(-(i02 * g[0] + i12 * g[1] + i22 * g[2]) / det);
    return 1;
}

int v2w_refine_extremum(const float *const *dog, int layers, int width, int height, int x, int y,
                        int layer, float sigma0, float contrast_threshold, float edge_ratio,
                        int border, v2w_extremum *out) {
    float offset[3] = {0, 0, 0}, g[3] = {0, 0, 0};
    float dxx = 0, dyy = 0, dxy = 0;
    // Move to the neighbouring sample only when the offset clearly points there (> 0.6, as
    // VLFeat does): with Lowe's 0.5 an extremum halfway between two samples oscillates and is
    // lost. After at most five moves the fit at the current sample is kept if its offset stays
    // within one sample.
    for (int moves = 0;; moves++) {
        const float *p = dog[layer - 1], *c = dog[layer], *n = dog[layer + 1];
        const size_t i = (size_t)y * width + x;
        const int w = width;
        g[0] = 0.5f * (c[i + 1] - c[i - 1]);
        g[1] = 0.5f * (c[i + w] - c[i - w]);
        g[2] = 0.5f * (n[i] - p[i]);
        dxx = c[i + 1] + c[i - 1] - 2 * c[i];
        dyy = c[i + w] + c[i - w] - 2 * c[i];
        const float dss = n[i] + p[i] - 2 * c[i];
        dxy = 0.25f * (c[i + w + 1] - c[i + w - 1] - c[i - w + 1] + c[i - w - 1]);
        const float dxs = 0.25f * (n[i + 1] - n[i - 1] - p[i + 1] + p[i - 1]);
        const float dys = 0.25f * (n[i + w] - n[i - w] - p[i + w] + p[i - w]);
        const float h[9] = {dxx, dxy, dxs, dxy, dyy, dys, dxs, dys, dss};
        if (!solve3(h, g, offset)) return 0;
        const int mx = offset[0] > 0.6f ? 1 : (offset[0] < -0.6f ? -1 : 0);
        const int my = offset[1] > 0.6f ? 1 : (offset[1] < -0.6f ? -1 : 0);
        const int ms = offset[2] > 0.6f ? 1 : (offset[2] < -0.6f ? -1 : 0);
        if ((mx == 0 && my == 0 && ms == 0) || moves == 5) break;
        if (layer + ms < 1 || layer + ms > layers || x + mx < border || x + mx >= width - border ||
            y + my < border || y + my >= height - border) break;
        x += mx; y += my; layer += ms;
    }
    if (!(fabsf(offset[0]) <= 1 && fabsf(offset[1]) <= 1 && fabsf(offset[2]) <= 1)) return 0;
    const float value = dog[layer][(size_t)y * width + x];
    const float contrast = value + 0.5f * (g[0] * offset[0] + g[1] * offset[1] + g[2] * offset[2]);
    if (fabsf(contrast) < contrast_threshold) return 0;
    // Principal curvature ratio (edge response) from the 2×2 spatial Hessian.
    const float trace = dxx + dyy, det = dxx * dyy - dxy * dxy;
    if (det <= 0 || trace * trace * edge_ratio >= (edge_ratio + 1) * (edge_ratio + 1) * det) return 0;
    out->x = x + offset[0];
    out->y = y + offset[1];
    out->level = layer + offset[2];
    out->layer = layer;
    out->sigma = sigma0 * powf(2.0f, out->level / (float)layers);
    out->response = fabsf(contrast);
    return 1;
}
