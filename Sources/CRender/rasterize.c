// Triangle rasterization into a band of samples and per-pixel shading + resolve.
#include "CRender.h"

#include <math.h>

// Top-left rule: a sample exactly on an edge belongs to the triangle whose edge is a "top" edge
// (horizontal, interior below in y-down screen space) or a "left" edge, so shared edges are drawn once.
static int is_top_left(double ax, double ay, double bx, double by) {
    double dx = bx - ax, dy = by - ay;
    return (dy < 0.0) || (dy == 0.0 && dx > 0.0);
}

static void rasterize_triangle(const CRScene *scene, int32_t t, int32_t sample_row_begin,
                               int32_t sample_row_end, CRSamples samples) {
    const int32_t factor = scene->factor;
    const int32_t sample_width = scene->width * factor;
    const float *s = scene->screen + 9 * (int64_t)t;
    // Corner positions on the sample grid: sample (i, j) sits at pixel coordinate (i + 0.5) / factor.
    double x[3], y[3], w[3];
    for (int k = 0; k < 3; ++k) {
        x[k] = (double)s[3 * k] * factor - 0.5;
        y[k] = (double)s[3 * k + 1] * factor - 0.5;
        w[k] = s[3 * k + 2];
    }
    double area = (x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]);
    if (!(fabs(area) > 0.0)) return;
    // Order the corners so the signed area is positive; remember which input corner each one is.
    int order[3] = {0, 1, 2};
    if (area < 0.0) { order[1] = 2; order[2] = 1; area = -area; }
    double px[3], py[3], pw[3];
    for (int k = 0; k < 3; ++k) { px[k] = x[order[k]]; py[k] = y[order[k]]; pw[k] = w[order[k]]; }

    double min_x = fmin(px[0], fmin(px[1], px[2])), max_x = fmax(px[0], fmax(px[1], px[2]));
    double min_y = fmin(py[0], fmin(py[1], py[2])), max_y = fmax(py[0], fmax(py[1], py[2]));
    // Clamp in floating point first: corners far outside the image must not overflow the casts.
    min_x = fmax(ceil(min_x), 0.0);
    max_x = fmin(floor(max_x), (double)(sample_width - 1));
    min_y = fmax(ceil(min_y), (double)sample_row_begin);
    max_y = fmin(floor(max_y), (double)(sample_row_end - 1));
    if (!(min_x <= max_x) || !(min_y <= max_y)) return;
    const int64_t i0 = (int64_t)min_x, i1 = (int64_t)max_x, j0 = (int64_t)min_y, j1 = (int64_t)max_y;

    // Edge k is opposite corner k; its function is positive inside and equals twice the area of the
    // sub-triangle, so e_k / area is corner k's screen-space barycentric weight.
    double ea[3], eb[3], ec[3];
    int bias[3];
    for (int k = 0; k < 3; ++k) {
        int a = (k + 1) % 3, b = (k + 2) % 3;
        ea[k] = py[a] - py[b];
        eb[k] = px[b] - px[a];
        ec[k] = px[a] * py[b] - px[b] * py[a];
        bias[k] = is_top_left(px[a], py[a], px[b], py[b]) ? 0 : 1;
    }
    const double inv_area = 1.0 / area;
    const int32_t local_begin = sample_row_begin;
    for (int64_t j = j0; j <= j1; ++j) {
        const double fy = (double)j;
        double e0 = ea[0] * (double)i0 + eb[0] * fy + ec[0];
        double e1 = ea[1] * (double)i0 + eb[1] * fy + ec[1];
        double e2 = ea[2] * (double)i0 + eb[2] * fy + ec[2];
        const int64_t row = (j - local_begin) * (int64_t)sample_width;
        for (int64_t i = i0; i <= i1; ++i, e0 += ea[0], e1 += ea[1], e2 += ea[2]) {
            // Inside: strictly positive, or zero on a top-left edge.
            if (e0 < 0.0 || e1 < 0.0 || e2 < 0.0) continue;
            if ((e0 == 0.0 && bias[0]) || (e1 == 0.0 && bias[1]) || (e2 == 0.0 && bias[2])) continue;
            const double l0 = e0 * inv_area, l1 = e1 * inv_area, l2 = e2 * inv_area;
            const double iz = l0 * pw[0] + l1 * pw[1] + l2 * pw[2];
            const int64_t at = row + i;
            if (!((float)iz > samples.inverse_depth[at])) continue;
            samples.inverse_depth[at] = (float)iz;
            samples.triangle[at] = t;
            // Perspective-correct weights, mapped back to the input corner order.
            double b[3];
            b[order[0]] = l0 * pw[0] / iz;
            b[order[1]] = l1 * pw[1] / iz;
            b[order[2]] = l2 * pw[2] / iz;
            samples.barycentric[2 * at] = (float)b[1];
            samples.barycentric[2 * at + 1] = (float)b[2];
        }
    }
}

// Bilinear lookup with wrap-around; (u, v) follow OBJ: v = 0 is the bottom row.
static void sample_texture(const CRScene *scene, int32_t index, float u, float v, float out[3]) {
    const int32_t tw = scene->texture_size[2 * index], th = scene->texture_size[2 * index + 1];
    const float *pixels = scene->texture_pixels + scene->texture_offset[index];
    const float fx = u * (float)tw - 0.5f, fy = (1.0f - v) * (float)th - 0.5f;
    const float flx = floorf(fx), fly = floorf(fy);
    const float ax = fx - flx, ay = fy - fly;
    int64_t x0 = (int64_t)flx % tw, y0 = (int64_t)fly % th;
    if (x0 < 0) x0 += tw;
    if (y0 < 0) y0 += th;
    const int64_t x1 = x0 + 1 == tw ? 0 : x0 + 1, y1 = y0 + 1 == th ? 0 : y0 + 1;
    const float *p00 = pixels + 3 * (y0 * tw + x0), *p10 = pixels + 3 * (y0 * tw + x1);
    const float *p01 = pixels + 3 * (y1 * tw + x0), *p11 = pixels + 3 * (y1 * tw + x1);
    for (int c = 0; c < 3; ++c) {
        const float top = p00[c] + (p10[c] - p00[c]) * ax;
        const float bottom = p01[c] + (p11[c] - p01[c]) * ax;
        out[c] = top + (bottom - top) * ay;
    }
}

static void shade_sample(const CRScene *scene, int32_t t, float b1, float b2, float out[3]) {
    const float b0 = 1.0f - b1 - b2;
    const float *a = scene->attributes + 3 * CR_CORNER_ATTRIBUTES * (int64_t)t;
    float value[CR_CORNER_ATTRIBUTES];
    for (int k = 0; k < CR_CORNER_ATTRIBUTES; ++k)
        value[k] = b0 * a[k] + b1 * a[CR_CORNER_ATTRIBUTES + k] + b2 * a[2 * CR_CORNER_ATTRIBUTES + k];
    float base[3] = {value[2], value[3], value[4]};
    const int32_t texture = scene->texture[t];
    if (texture >= 0) {
        float texel[3];
        sample_texture(scene, texture, value[0], value[1], texel);
        for (int c = 0; c < 3; ++c) base[c] *= texel[c];
    }
    float nx = value[5], ny = value[6], nz = value[7];
    const float length = sqrtf(nx * nx + ny * ny + nz * nz);
    float light[3] = {scene->ambient[0], scene->ambient[1], scene->ambient[2]};
    if (length > 0.0f) {
        nx /= length; ny /= length; nz /= length;
        for (int32_t l = 0; l < scene->light_count; ++l) {
            const float *d = scene->light_direction + 3 * l, *c = scene->light_color + 3 * l;
            const float lambert = nx * d[0] + ny * d[1] + nz * d[2];
            if (lambert > 0.0f)
                for (int k = 0; k < 3; ++k) light[k] += lambert * c[k];
        }
    }
    for (int c = 0; c < 3; ++c) out[c] = base[c] * light[c];
}

void cr_render_rows(const CRScene *scene, int32_t row_begin, int32_t row_end,
                    const int32_t *triangles, int32_t count, CRSamples samples,
                    float *rgb, float *alpha, float *depth) {
    const int32_t factor = scene->factor;
    const int32_t sample_width = scene->width * factor;
    const int32_t sample_row_begin = row_begin * factor, sample_row_end = row_end * factor;
    const int64_t sample_count = (int64_t)(sample_row_end - sample_row_begin) * sample_width;
    for (int64_t k = 0; k < sample_count; ++k) {
        samples.inverse_depth[k] = 0.0f;
        samples.triangle[k] = -1;
    }
    for (int32_t k = 0; k < count; ++k) {
        const int32_t t = triangles[k];
        if (t < 0 || t >= scene->triangle_count) continue;
        rasterize_triangle(scene, t, sample_row_begin, sample_row_end, samples);
    }
    const float per_sample = 1.0f / (float)(factor * factor);
    for (int32_t y = row_begin; y < row_end; ++y) {
        for (int32_t x = 0; x < scene->width; ++x) {
            float sum[3] = {0.0f, 0.0f, 0.0f};
            float z_sum = 0.0f;
            int32_t covered = 0;
            for (int32_t sy = 0; sy < factor; ++sy) {
                const int64_t row = (int64_t)((y - row_begin) * factor + sy) * sample_width;
                for (int32_t sx = 0; sx < factor; ++sx) {
                    const int64_t at = row + (int64_t)x * factor + sx;
                    const int32_t t = samples.triangle[at];
                    if (t < 0) continue;
                    float color[3];
                    shade_sample(scene, t, samples.barycentric[2 * at], samples.barycentric[2 * at + 1], color);
                    for (int c = 0; c < 3; ++c) sum[c] += color[c];
                    z_sum += 1.0f / samples.inverse_depth[at];
                    covered += 1;
                }
            }
            const int64_t pixel = (int64_t)y * scene->width + x;
            const float inv = covered > 0 ? 1.0f / (float)covered : 0.0f;
            for (int c = 0; c < 3; ++c) rgb[3 * pixel + c] = sum[c] * inv;
            alpha[pixel] = (float)covered * per_sample;
            depth[pixel] = z_sum * inv;
        }
    }
}
