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
    (void)neighbour_count;
    size_t band = (size_t)rows * width, extended = (size_t)(rows + 2 * radius) * width;
    return 2 * extended + (4 + 1 + 16 + 5) * band + 4 * (size_t)width;
}

/// Neighbour samples for reference rows [y0, y1) at one inverse depth: value and validity.
/// Branch-free per pixel (positions clamped, validity kept as 0/1) so the loop vectorises.
static void warp_rows(const v2w_sweep_neighbour *nb, int width, int height, float inverse_depth,
                      int y0, int y1, float *warped, float *mask) {
    const float *a = nb->a, *b = nb->b;
    const float *restrict image = nb->image;
    const int nw = nb->width;
    const float umax = (float)nb->width - 1, vmax = (float)nb->height - 1;
    const float ulast = (float)nb->width - 2, vlast = (float)nb->height - 2;
    for (int y = y0; y < y1; y++) {
        float *restrict w = warped + (size_t)(y - y0) * width, *restrict m = mask + (size_t)(y - y0) * width;
        if (y < 0 || y >= height) {
            for (int x = 0; x < width; x++) { w[x] = 0; m[x] = 0; }
            continue;
        }
        float py = (float)y + 0.5f;
        // q = A·(x + .5, y + .5, 1) + inverse_depth·b, affine in x.
        float q0x = a[1] * py + a[2] + inverse_depth * b[0] + a[0] * 0.5f;
        float q0y = a[4] * py + a[5] + inverse_depth * b[1] + a[3] * 0.5f;
        float q0z = a[7] * py + a[8] + inverse_depth * b[2] + a[6] * 0.5f;
        // The samples are gathers from the neighbour image, which no output aliases.
#pragma clang loop vectorize(assume_safety)
        for (int x = 0; x < width; x++) {
            float qx = q0x + a[0] * x, qy = q0y + a[3] * x, qz = q0z + a[6] * x;
            float z = qz > 1e-6f ? qz : 1e-6f;
            float u = qx / z - 0.5f, v = qy / z - 0.5f;
            float inside = (qz > 1e-6f && u >= 0 && v >= 0 && u <= umax && v <= vmax) ? 1.0f : 0.0f;
            // Clamp so the four samples stay in the image (also for NaN-free garbage outside).
            float uc = u > 0 ? (u < ulast ? u : ulast) : 0, vc = v > 0 ? (v < vlast ? v : vlast) : 0;
            int iu = (int)uc, iv = (int)vc;
            float fu = u - (float)iu, fv = v - (float)iv;
            fu = fu < 0 ? 0 : (fu > 1 ? 1 : fu);
            fv = fv < 0 ? 0 : (fv > 1 ? 1 : fv);
            const float *p = image + iv * nw + iu;
            float top = p[0] + fu * (p[1] - p[0]);
            float bottom = p[nw] + fu * (p[nw + 1] - p[nw]);
            w[x] = inside * (top + fv * (bottom - top));
            m[x] = inside;
        }
    }
}

/// ZNCC of the reference with one warped neighbour for rows [row0, row1) into `score`.
/// `row` is scratch for 4 rows of `width` floats (the horizontal sums).
static void zncc_rows(const v2w_sweep_reference *ref, const float *warped, const float *mask,
                      int radius, float min_std, int row0, int row1, float *vb, float *vbb, float *vab,
                      float *vm, float *row, float *score) {
    const int width = ref->width, height = ref->height, rows = row1 - row0;
    const float n = (float)((2 * radius + 1) * (2 * radius + 1)), inv_n = 1.0f / n;
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
    // Horizontal sums (tap by tap, so the loops over x vectorise) and the correlation.
    float *hb = row, *hbb = row + width, *hab = row + 2 * width, *hm = row + 3 * width;
    const int inner = width - 2 * radius;
    for (int r = 0; r < rows; r++) {
        int y = row0 + r;
        const float *sb = vb + (size_t)r * width, *sbb = vbb + (size_t)r * width;
        const float *sab = vab + (size_t)r * width, *sm = vm + (size_t)r * width;
        const float *mean = ref->mean + (size_t)y * width, *sd = ref->std + (size_t)y * width;
        float *out = score + (size_t)r * width;
        for (int x = 0; x < width; x++) out[x] = -1;
        if (inner <= 0) continue;
        for (int x = 0; x < inner; x++) { hb[x] = 0; hbb[x] = 0; hab[x] = 0; hm[x] = 0; }
        for (int dx = 0; dx <= 2 * radius; dx++) {
            for (int x = 0; x < inner; x++) {
                hb[x] += sb[x + dx]; hbb[x] += sbb[x + dx]; hab[x] += sab[x + dx]; hm[x] += sm[x + dx];
            }
        }
        const float *mc = mean + radius, *sc = sd + radius;
        float *oc = out + radius;
        for (int x = 0; x < inner; x++) {
            float mb = hb[x] * inv_n, var = hbb[x] * inv_n - mb * mb;
            float denominator = sc[x] * sqrtf(var > min_var ? var : min_var);
            float c = (hab[x] * inv_n - mc[x] * mb) / (denominator > 0 ? denominator : 1);
            c = c > 1 ? 1 : (c < -1 ? -1 : c);
            int ok = (sc[x] > 0) & (hm[x] > n - 0.5f) & (var >= min_var) & (var > 0);
            oc[x] = ok ? c : -1;
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
    if (keep > neighbour_count) keep = neighbour_count;
    if (keep > 16) keep = 16;
    if (keep < 1) keep = 1;
    float *warped = scratch, *mask = warped + extended;
    float *vb = mask + extended, *vbb = vb + band, *vab = vbb + band, *vm = vab + band;
    float *current = vm + band;
    float *top = current + band;  // keep bands: the best scores so far, in decreasing order
    float *best = top + 16 * band, *before = best + band, *after = before + band;
    float *previous = after + band, *index = previous + band, *row = index + band;
    for (size_t i = 0; i < band; i++) { best[i] = -2; before[i] = -2; after[i] = -2; previous[i] = -2; index[i] = -1; }
    const float inv_keep = 1.0f / (float)keep;

    for (int d = 0; d < plane_count; d++) {
        float inverse_depth = inverse_depths[d];
        for (int j = 0; j < keep; j++) {
            float *t = top + (size_t)j * band;
            for (size_t i = 0; i < band; i++) t[i] = -2;
        }
        for (int k = 0; k < neighbour_count; k++) {
            warp_rows(&neighbours[k], width, reference->height, inverse_depth, row0 - radius, row1 + radius, warped, mask);
            zncc_rows(reference, warped, mask, radius, min_std, row0, row1, vb, vbb, vab, vm, row, current);
            // Branch-free insertion into the sorted best-`keep` lists (vectorises over pixels).
            for (int j = 0; j < keep; j++) {
                float *t = top + (size_t)j * band;
                for (size_t i = 0; i < band; i++) {
                    float a = t[i], v = current[i];
                    t[i] = a > v ? a : v;
                    current[i] = a > v ? v : a;
                }
            }
        }
        // The plane's score: mean of the best `keep`; winner-take-all bookkeeping, branch-free.
        for (size_t i = 0; i < band; i++) current[i] = top[i];
        for (int j = 1; j < keep; j++) {
            const float *t = top + (size_t)j * band;
            for (size_t i = 0; i < band; i++) current[i] += t[i];
        }
        const float plane = (float)d, last = (float)(d - 1);
        for (size_t i = 0; i < band; i++) {
            float s = current[i] * inv_keep;
            int better = s > best[i];
            after[i] = better ? -2.0f : (index[i] == last ? s : after[i]);
            before[i] = better ? previous[i] : before[i];
            index[i] = better ? plane : index[i];
            best[i] = better ? s : best[i];
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
