// Orientation assignment and the 4×4×8 gradient-histogram descriptor (Lowe 2004 §5–6).
#include <math.h>
#include <string.h>
#include "CFeatures.h"

#define ORI_BINS 36
#define DESC_WIDTH 4
#define DESC_BINS 8
#define TWO_PI 6.283185307179586f
#define MAX_WINDOW 512  // sample window side cap (pixels); larger windows are clipped

// atan2 in [0, 2π) from a polynomial arctangent on [0, 1] (|error| < 1e-5 rad, far below a
// histogram bin), several times faster than atan2f.
static inline float angle_of(float y, float x) {
    const float ax = fabsf(x), ay = fabsf(y);
    const float mx = ax > ay ? ax : ay, mn = ax > ay ? ay : ax;
    if (mx == 0) return 0;
    const float a = mn / mx, s = a * a;
    float r = a * (0.9998660f + s * (-0.3302995f + s * (0.1801410f + s * (-0.0851330f + s * 0.0208351f))));
    if (ay > ax) r = 1.5707963f - r;
    if (x < 0) r = 3.1415927f - r;
    if (y < 0) r = TWO_PI - r;
    return r >= TWO_PI ? r - TWO_PI : r;
}

void v2w_gradients(const float *image, int width, int height, float *magnitude, float *angle, int row0, int row1) {
    for (int y = row0; y < row1; y++) {
        float *m = magnitude + (size_t)y * width, *a = angle + (size_t)y * width;
        if (y == 0 || y == height - 1) {
            for (int x = 0; x < width; x++) { m[x] = 0; a[x] = 0; }
            continue;
        }
        const float *p = image + (size_t)y * width;
        m[0] = a[0] = m[width - 1] = a[width - 1] = 0;
        for (int x = 1; x < width - 1; x++) {
            const float dx = p[x + 1] - p[x - 1], dy = p[x + width] - p[x - width];
            m[x] = sqrtf(dx * dx + dy * dy);
            a[x] = angle_of(dy, dx);
        }
    }
}

int v2w_orientations(const float *magnitude, const float *angle_map, int width, int height, float x, float y, float sigma,
                     float peak_ratio, float *angles, int max_angles) {
    float hist[ORI_BINS] = {0};
    const float window = 1.5f * sigma;
    int radius = (int)lrintf(3 * window);
    if (radius > MAX_WINDOW / 2 - 1) radius = MAX_WINDOW / 2 - 1;
    const int cx = (int)lrintf(x), cy = (int)lrintf(y);
    const float inv = -1.0f / (2 * window * window);
    // The Gaussian window is separable: exp(−(ox² + oy²)·c) = exp(−ox²·c) · exp(−oy²·c).
    float wx[MAX_WINDOW], wy[MAX_WINDOW];
    for (int k = -radius; k <= radius; k++) {
        const float ox = cx + k - x, oy = cy + k - y;
        wx[k + radius] = expf(ox * ox * inv);
        wy[k + radius] = expf(oy * oy * inv);
    }
    for (int i = -radius; i <= radius; i++) {
        const int py = cy + i;
        if (py < 1 || py >= height - 1) continue;
        for (int j = -radius; j <= radius; j++) {
            const int px = cx + j;
            if (px < 1 || px >= width - 1) continue;
            const size_t at = (size_t)py * width + px;
            const float weight = wx[j + radius] * wy[i + radius] * magnitude[at];
            const float angle = angle_map[at];
            // Linear interpolation between the two nearest bins.
            float b = angle * (ORI_BINS / TWO_PI) - 0.5f;
            int b0 = (int)floorf(b);
            float f = b - b0;
            hist[(b0 + ORI_BINS) % ORI_BINS] += (1 - f) * weight;
            hist[(b0 + 1 + ORI_BINS) % ORI_BINS] += f * weight;
        }
    }
    // Circular smoothing with [1 4 6 4 1] / 16, twice.
    for (int pass = 0; pass < 2; pass++) {
        float s[ORI_BINS];
        for (int k = 0; k < ORI_BINS; k++) {
            s[k] = (hist[(k + ORI_BINS - 2) % ORI_BINS] + hist[(k + 2) % ORI_BINS]) * (1.0f / 16) +
                   (hist[(k + ORI_BINS - 1) % ORI_BINS] + hist[(k + 1) % ORI_BINS]) * (4.0f / 16) + hist[k] * (6.0f / 16);
        }
        memcpy(hist, s, sizeof s);
    }
    float maximum = 0;
    for (int k = 0; k < ORI_BINS; k++) if (hist[k] > maximum) maximum = hist[k];
    if (!(maximum > 0)) return 0;
    // Peaks, strongest first (selection by repeated scan: at most a few).
    int used[ORI_BINS] = {0};
    int count = 0;
    while (count < max_angles) {
        int best = -1;
        for (int k = 0; k < ORI_BINS; k++) {
            if (used[k]) continue;
            const float l = hist[(k + ORI_BINS - 1) % ORI_BINS], r = hist[(k + 1) % ORI_BINS];
            if (hist[k] > l && hist[k] >= r && hist[k] >= peak_ratio * maximum && (best < 0 || hist[k] > hist[best])) best = k;
        }
        if (best < 0) break;
        used[best] = 1;
        const float l = hist[(best + ORI_BINS - 1) % ORI_BINS], r = hist[(best + 1) % ORI_BINS], c = hist[best];
        const float shift = 0.5f * (l - r) / (l - 2 * c + r);
        float angle = (best + 0.5f + shift) * (TWO_PI / ORI_BINS);
        if (angle < 0) angle += TWO_PI;
        if (angle >= TWO_PI) angle -= TWO_PI;
        angles[count++] = angle;
    }
    return count;
}

void v2w_descriptor(const float *magnitude, const float *angle_map, int width, int height, float x, float y,
                    float sigma, float angle, float *out) {
    // Histogram with a one-bin spatial margin on every side and one extra orientation bin, so
    // trilinear spill needs no bounds tests.
    float hist[(DESC_WIDTH + 2) * (DESC_WIDTH + 2) * (DESC_BINS + 1)];
    memset(hist, 0, sizeof hist);
    const float c = cosf(angle), s = sinf(angle);
    const float bin_width = 3 * sigma;  // pixels per spatial bin
    int radius = (int)lrintf(bin_width * 1.41421356f * (DESC_WIDTH + 1) * 0.5f);
    if (radius > MAX_WINDOW / 2 - 1) radius = MAX_WINDOW / 2 - 1;
    const int cx = (int)lrintf(x), cy = (int)lrintf(y);
    const float inv_bin = 1.0f / bin_width;
    const float weight_scale = -1.0f / (0.5f * DESC_WIDTH * DESC_WIDTH);  // σ = half the window, in bins
    const float ori_scale = DESC_BINS / TWO_PI;
    // The Gaussian weight depends on the (rotation-invariant) distance only, so it separates.
    float wx[MAX_WINDOW], wy[MAX_WINDOW];
    for (int k = -radius; k <= radius; k++) {
        const float ox = (cx + k - x) * inv_bin, oy = (cy + k - y) * inv_bin;
        wx[k + radius] = expf(ox * ox * weight_scale);
        wy[k + radius] = expf(oy * oy * weight_scale);
    }
    for (int i = -radius; i <= radius; i++) {
        const int py = cy + i;
        if (py < 1 || py >= height - 1) continue;
        for (int j = -radius; j <= radius; j++) {
            const int px = cx + j;
            if (px < 1 || px >= width - 1) continue;
            const float ox = px - x, oy = py - y;
            // Sample position in the keypoint frame, in bins.
            const float cr = (c * ox + s * oy) * inv_bin, rr = (-s * ox + c * oy) * inv_bin;
            const float rbin = rr + DESC_WIDTH / 2 - 0.5f, cbin = cr + DESC_WIDTH / 2 - 0.5f;
            if (!(rbin > -1 && rbin < DESC_WIDTH && cbin > -1 && cbin < DESC_WIDTH)) continue;
            const size_t at = (size_t)py * width + px;
            const float weighted = magnitude[at] * wx[j + radius] * wy[i + radius];
            float theta = angle_map[at] - angle;
            if (theta < 0) theta += TWO_PI;
            float obin = theta * ori_scale;
            if (obin >= DESC_BINS) obin -= DESC_BINS;
            const int r0 = (int)floorf(rbin), c0 = (int)floorf(cbin);
            int o0 = (int)obin;
            if (o0 >= DESC_BINS) o0 = DESC_BINS - 1;
            const float fr = rbin - r0, fc = cbin - c0, fo = obin - o0;
            for (int dr = 0; dr <= 1; dr++) {
                const float wr = dr ? fr : 1 - fr;
                for (int dc = 0; dc <= 1; dc++) {
                    const float wc = dc ? fc : 1 - fc;
                    float *cell = hist + ((r0 + dr + 1) * (DESC_WIDTH + 2) + (c0 + dc + 1)) * (DESC_BINS + 1);
                    const float v = weighted * wr * wc;
                    cell[o0] += v * (1 - fo);
                    cell[o0 + 1] += v * fo;
                }
            }
        }
    }
    // Fold the margins away; the orientation bin wraps around.
    float norm = 0;
    for (int r = 0; r < DESC_WIDTH; r++) {
        for (int col = 0; col < DESC_WIDTH; col++) {
            const float *cell = hist + ((r + 1) * (DESC_WIDTH + 2) + (col + 1)) * (DESC_BINS + 1);
            float *d = out + (r * DESC_WIDTH + col) * DESC_BINS;
            for (int o = 0; o < DESC_BINS; o++) d[o] = cell[o];
            d[0] += cell[DESC_BINS];  // o0 + 1 == DESC_BINS wraps to bin 0
        }
    }
    const int n = DESC_WIDTH * DESC_WIDTH * DESC_BINS;
    for (int k = 0; k < n; k++) norm += out[k] * out[k];
    norm = sqrtf(norm);
    if (!(norm > 0)) { memset(out, 0, sizeof(float) * n); return; }
    // Lowe's illumination clip, then RootSIFT (L1 normalise, square root): unit L2 norm.
    const float clip = 0.2f * norm;
    float l1 = 0;
    for (int k = 0; k < n; k++) { if (out[k] > clip) out[k] = clip; l1 += out[k]; }
    for (int k = 0; k < n; k++) out[k] = sqrtf(out[k] / l1);
}
