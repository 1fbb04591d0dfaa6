// Plane sweep stereo over a band of reference rows: warp each neighbour through the
// plane-induced homography, score by ZNCC with box sums, keep the best plane per pixel.
#include "CDense.h"
#include <math.h>

void v2w_window_stats(const float *image, int width, int height, int radius, float min_std,
                      float *mean, float *std, int row0, int row1) {
    const float n = (float)((2 * radius + 1) * (2 * radius + 1));
    for (int y = row0; y < row1; y++) {
        for (int x = 0; x < width; x++) {
            size_t i = (size_t)y * width + x;
            mean[i] = 0; std[i] = 0;
            if (x < radius || y < radius || x >= width - radius || y >= height - radius) continue;
            float s = 0, ss = 0;
            for (int dy = -radius; dy <= radius; dy++) {
                const float *row = image + (size_t)(y + dy) * width + x;
                for (int dx = -radius; dx <= radius; dx++) { float v = row[dx]; s += v; ss += v * v; }
            }
            float m = s / n, var = ss / n - m * m;
            mean[i] = m;
            float sd = var > 0 ? sqrtf(var) : 0;
            std[i] = sd >= min_std ? sd : 0;
        }
    }
}

size_t v2w_plane_sweep_scratch(int width, int rows, int radius, int neighbour_count) {
    size_t band = (size_t)rows * width, extended = (size_t)(rows + 2 * radius) * width;
    return 2 * extended + (4 + (size_t)neighbour_count + 5) * band;
}

/// Neighbour samples for reference rows [y0, y1) at one inverse depth: value and validity.
static void warp_rows(const v2w_sweep_neighbour *nb, int width, int height, float inverse_depth,
                      int y0, int y1, float *warped, float *mask) {
    const float *a = nb->a, *b = nb->b;
    const float umax = (float)nb->width - 1, vmax = (float)nb->height - 1;
    for (int y = y0; y < y1; y++) {
        float *w = warped + (size_t)(y - y0) * width, *m = mask + (size_t)(y - y0) * width;
        if (y < 0 || y >= height) {
            for (int x = 0; x < width; x++) { w[x] = 0; m[x] = 0; }
            continue;
        }
        float py = (float)y + 0.5f;
        // q = A·(x + .5, y + .5, 1) + inverse_depth·b, affine in x.
        float q0x = a[1] * py + a[2] + inverse_depth * b[0] + a[0] * 0.5f;
        float q0y = a[4] * py + a[5] + inverse_depth * b[1] + a[3] * 0.5f;
        float q0z = a[7] * py + a[8] + inverse_depth * b[2] + a[6] * 0.5f;
        for (int x = 0; x < width; x++) {
            float qx = q0x + a[0] * x, qy = q0y + a[3] * x, qz = q0z + a[6] * x;
            float value = 0, valid = 0;
            if (qz > 1e-6f) {
                float u = qx / qz - 0.5f, v = qy / qz - 0.5f;
                if (u >= 0 && v >= 0 && u <= umax && v <= vmax) {
                    int iu = (int)u, iv = (int)v;
                    if (iu > nb->width - 2) iu = nb->width - 2;
                    if (iv > nb->height - 2) iv = nb->height - 2;
                    float fu = u - iu, fv = v - iv;
                    const float *p = nb->image + (size_t)iv * nb->width + iu;
                    float top = p[0] + fu * (p[1] - p[0]);
                    float bottom = p[nb->width] + fu * (p[nb->width + 1] - p[nb->width]);
                    value = top + fv * (bottom - top);
                    valid = 1;
                }
            }
            w[x] = value; m[x] = valid;
        }
    }
}

/// ZNCC of the reference with one warped neighbour for rows [row0, row1) into `score`.
static void zncc_rows(const v2w_sweep_reference *ref, const float *warped, const float *mask,
                      int radius, float min_std, int row0, int row1, float *vb, float *vbb, float *vab,
                      float *vm, float *score) {
    const int width = ref->width, height = ref->height, rows = row1 - row0;
    const float n = (float)((2 * radius + 1) * (2 * radius + 1));
    const float min_var = min_std * min_std;
    // Vertical sums of b, b², a·b and validity over 2r+1 rows (warped row k is image row
    // row0 − r + k).
    for (int r = 0; r < rows; r++) {
        int y = row0 + r;
        float *sb = vb + (size_t)r * width, *sbb = vbb + (size_t)r * width;
        float *sab = vab + (size_t)r * width, *sm = vm + (size_t)r * width;
        for (int x = 0; x < width; x++) { sb[x] = 0; sbb[x] = 0; sab[x] = 0; sm[x] = 0; }
        for (int dy = -radius; dy <= radius; dy++) {
            int yy = y + dy;
            const float *w = warped + (size_t)(r + radius + dy) * width;
            const float *m = mask + (size_t)(r + radius + dy) * width;
            // Rows outside the image have mask 0 and warped 0; read row 0 there to stay in bounds.
            const float *a = ref->image + (size_t)(yy < 0 || yy >= height ? 0 : yy) * width;
            for (int x = 0; x < width; x++) {
                float b = w[x];
                sb[x] += b; sbb[x] += b * b; sab[x] += a[x] * b; sm[x] += m[x];
            }
        }
    }
    // Horizontal running sums and the correlation.
    for (int r = 0; r < rows; r++) {
        int y = row0 + r;
        const float *sb = vb + (size_t)r * width, *sbb = vbb + (size_t)r * width;
        const float *sab = vab + (size_t)r * width, *sm = vm + (size_t)r * width;
        const float *mean = ref->mean + (size_t)y * width, *sd = ref->std + (size_t)y * width;
        float *out = score + (size_t)r * width;
        for (int x = 0; x < width; x++) out[x] = -1;
        if (width < 2 * radius + 1) continue;
        float b = 0, bb = 0, ab = 0, m = 0;
        for (int x = 0; x < 2 * radius + 1; x++) { b += sb[x]; bb += sbb[x]; ab += sab[x]; m += sm[x]; }
        for (int x = radius; x < width - radius; x++) {
            if (x > radius) {
                int add = x + radius, drop = x - radius - 1;
                b += sb[add] - sb[drop]; bb += sbb[add] - sbb[drop];
                ab += sab[add] - sab[drop]; m += sm[add] - sm[drop];
            }
            if (sd[x] <= 0 || m < n - 0.5f) continue;
            float mb = b / n, var = bb / n - mb * mb;
            if (var < min_var) continue;
            float c = (ab / n - mean[x] * mb) / (sd[x] * sqrtf(var));
            out[x] = c > 1 ? 1 : (c < -1 ? -1 : c);
        }
    }
}

void v2w_plane_sweep(const v2w_sweep_reference *reference, const v2w_sweep_neighbour *neighbours,
                     int neighbour_count, int keep, const float *inverse_depths, int plane_count,
                     int radius, float min_std, int row0, int row1, float *scratch,
                     float *depth, float *score) {
    const int width = reference->width, rows = row1 - row0;
    const size_t band = (size_t)rows * width, extended = (size_t)(rows + 2 * radius) * width;
    if (rows <= 0) return;
    if (keep < 1) keep = 1;
    if (keep > neighbour_count) keep = neighbour_count;
    if (keep > 16) keep = 16;
    float *warped = scratch, *mask = warped + extended;
    float *vb = mask + extended, *vbb = vb + band, *vab = vbb + band, *vm = vab + band;
    float *scores = vm + band;  // neighbour_count bands
    float *best = scores + (size_t)neighbour_count * band, *before = best + band, *after = before + band;
    float *previous = after + band, *index = previous + band;
    for (size_t i = 0; i < band; i++) { best[i] = -2; before[i] = -2; after[i] = -2; previous[i] = -2; index[i] = -1; }

    for (int d = 0; d < plane_count; d++) {
        float inverse_depth = inverse_depths[d];
        for (int k = 0; k < neighbour_count; k++) {
            warp_rows(&neighbours[k], width, reference->height, inverse_depth, row0 - radius, row1 + radius, warped, mask);
            zncc_rows(reference, warped, mask, radius, min_std, row0, row1, vb, vbb, vab, vm, scores + (size_t)k * band);
        }
        for (size_t i = 0; i < band; i++) {
            // Mean of the best `keep` neighbour scores (insertion into a short sorted list).
            float top[16];
            int filled = 0;
            for (int k = 0; k < neighbour_count; k++) {
                float s = scores[(size_t)k * band + i];
                int j;
                if (filled < keep) j = filled++;
                else if (s > top[keep - 1]) j = keep - 1;
                else continue;
                while (j > 0 && top[j - 1] < s) { top[j] = top[j - 1]; j--; }
                top[j] = s;
            }
            float s = 0;
            for (int j = 0; j < keep; j++) s += top[j];
            s /= (float)keep;
            if (s > best[i]) {
                best[i] = s; before[i] = previous[i]; after[i] = -2; index[i] = (float)d;
            } else if (index[i] == (float)(d - 1)) {
                after[i] = s;
            }
            previous[i] = s;
        }
    }

    const float step = plane_count > 1 ? inverse_depths[1] - inverse_depths[0] : 0;
    for (int r = 0; r < rows; r++) {
        int y = row0 + r;
        for (int x = 0; x < width; x++) {
            size_t i = (size_t)r * width + x, o = (size_t)y * width + x;
            int d = (int)index[i];
            float s = best[i];
            depth[o] = 0;
            score[o] = s > -1 ? s : -1;
            if (reference->std[o] <= 0 || s <= -1 || d <= 0 || d >= plane_count - 1) continue;
            float sm = before[i], sp = after[i], denominator = sm - 2 * s + sp;
            float offset = denominator < 0 ? 0.5f * (sm - sp) / denominator : 0;
            if (offset > 0.5f) offset = 0.5f;
            if (offset < -0.5f) offset = -0.5f;
            float inverse_depth = inverse_depths[d] + offset * step;
            if (inverse_depth > 0) depth[o] = 1.0f / inverse_depth;
        }
    }
}
