// Multi-view geometric consistency of depth maps: a forward–backward projection round trip.
#include "CDense.h"
#include <math.h>

void v2w_depth_consistency(const float *depth, int width, int height, const float k[4],
                           const v2w_depth_neighbour *neighbours, int neighbour_count,
                           float max_pixels, float max_relative, int row0, int row1, float *agree) {
    (void)height;
    const float fx = k[0], fy = k[1], cx = k[2], cy = k[3];
    const float max_pixels2 = max_pixels * max_pixels;
    for (int y = row0; y < row1; y++) {
        for (int x = 0; x < width; x++) {
            size_t i = (size_t)y * width + x;
            float d = depth[i];
            agree[i] = 0;
            if (!(d > 0)) continue;
            float px = (float)x + 0.5f, py = (float)y + 0.5f;
            float X = (px - cx) / fx * d, Y = (py - cy) / fy * d, Z = d;
            int count = 0;
            for (int n = 0; n < neighbour_count; n++) {
                const v2w_depth_neighbour *nb = &neighbours[n];
                const float *r = nb->r, *t = nb->t;
                float nx = r[0] * X + r[1] * Y + r[2] * Z + t[0];
                float ny = r[3] * X + r[4] * Y + r[5] * Z + t[1];
                float nz = r[6] * X + r[7] * Y + r[8] * Z + t[2];
                if (!(nz > 0)) continue;
                float u = nb->k[0] * nx / nz + nb->k[2], v = nb->k[1] * ny / nz + nb->k[3];
                int iu = (int)floorf(u), iv = (int)floorf(v);
                if (iu < 0 || iv < 0 || iu >= nb->width || iv >= nb->height) continue;
                float dn = nb->depth[(size_t)iv * nb->width + iu];
                if (!(dn > 0)) continue;
                // The neighbour's surface point on the same pixel ray, back in reference coordinates.
                float mx = (u - nb->k[2]) / nb->k[0] * dn - t[0];
                float my = (v - nb->k[3]) / nb->k[1] * dn - t[1];
                float mz = dn - t[2];
                float bx = r[0] * mx + r[3] * my + r[6] * mz;
                float by = r[1] * mx + r[4] * my + r[7] * mz;
                float bz = r[2] * mx + r[5] * my + r[8] * mz;
                if (!(bz > 0)) continue;
                float ex = fx * bx / bz + cx - px, ey = fy * by / bz + cy - py;
                if (ex * ex + ey * ey > max_pixels2) continue;
                if (fabsf(bz - d) > max_relative * d) continue;
                count++;
            }
            agree[i] = (float)count;
        }
    }
}
