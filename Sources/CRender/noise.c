// Value noise for procedural textures (the per-pixel loop of ProceduralTexture.noise).
#include "CRender.h"

#include <math.h>

static double smooth(double t) { return t * t * (3.0 - 2.0 * t); }

void cr_noise_octave(const double *lattice, int32_t cells, int32_t resolution, double amplitude, double *out) {
    const double step = (double)cells / (double)resolution;
    for (int32_t y = 0; y < resolution; ++y) {
        const double fy = ((double)y + 0.5) * step;
        const int32_t y0 = (int32_t)floor(fy);
        const double ty = smooth(fy - (double)y0);
        const double *row0 = lattice + (int64_t)(y0 % cells) * cells;
        const double *row1 = lattice + (int64_t)((y0 + 1) % cells) * cells;
        for (int32_t x = 0; x < resolution; ++x) {
            const double fx = ((double)x + 0.5) * step;
            const int32_t x0 = (int32_t)floor(fx);
            const double tx = smooth(fx - (double)x0);
            const int32_t a = x0 % cells, b = (x0 + 1) % cells;
            const double top = row0[a] + (row0[b] - row0[a]) * tx;
            const double bottom = row1[a] + (row1[b] - row1[a]) * tx;
            out[(int64_t)y * resolution + x] += amplitude * (top + (bottom - top) * ty);
        }
    }
}
