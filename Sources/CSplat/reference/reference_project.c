// Reference projection of one splat in double precision, with explicit matrices.
#include "csplat_reference.h"
#include <math.h>
#include <string.h>

typedef struct { double m[3][3]; } mat3;

static mat3 mul3(mat3 a, mat3 b) {
    mat3 c;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            c.m[i][j] = 0;
            for (int k = 0; k < 3; k++) c.m[i][j] += a.m[i][k] * b.m[k][j];
        }
    return c;
}

static mat3 transpose3(mat3 a) {
    mat3 t;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) t.m[i][j] = a.m[j][i];
    return t;
}

static void sh_basis(int degree, double x, double y, double z, double *b) {
    b[0] = 0.28209479177387814;
    if (degree >= 1) {
        b[1] = -0.4886025119029199 * y;
        b[2] = 0.4886025119029199 * z;
        b[3] = -0.4886025119029199 * x;
    }
    if (degree >= 2) {
        b[4] = 1.0925484305920792 * x * y;
        b[5] = -1.0925484305920792 * y * z;
        b[6] = 0.31539156525252005 * (2 * z * z - x * x - y * y);
        b[7] = -1.0925484305920792 * x * z;
        b[8] = 0.5462742152960396 * (x * x - y * y);
    }
    if (degree >= 3) {
        b[9] = -0.5900435899266435 * y * (3 * x * x - y * y);
        b[10] = 2.890611442640554 * x * y * z;
        b[11] = -0.4570457994644658 * y * (4 * z * z - x * x - y * y);
        b[12] = 0.3731763325901154 * z * (2 * z * z - 3 * x * x - 3 * y * y);
        b[13] = -0.4570457994644658 * x * (4 * z * z - x * x - y * y);
        b[14] = 1.445305721320277 * z * (x * x - y * y);
        b[15] = -0.5900435899266435 * x * (x * x - 3 * y * y);
    }
}

void csplat_reference_project(const double *mean, const double *log_scale, const double *quat,
                              double opacity_logit, const double *sh, int32_t sh_degree,
                              const csplat_camera *cam, csplat_ref_splat *out) {
    memset(out, 0, sizeof *out);
    mat3 w; // camera rotation
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) w.m[i][j] = cam->rotation[3 * i + j];
    double p[3];
    for (int i = 0; i < 3; i++)
        p[i] = w.m[i][0] * mean[0] + w.m[i][1] * mean[1] + w.m[i][2] * mean[2] + cam->translation[i];
    if (!(p[2] > cam->near_plane)) return;

    // Σ = R S Sᵀ Rᵀ.
    double n = sqrt(quat[0] * quat[0] + quat[1] * quat[1] + quat[2] * quat[2] + quat[3] * quat[3]);
    double qw = quat[0] / n, qx = quat[1] / n, qy = quat[2] / n, qz = quat[3] / n;
    mat3 r = {{{1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy)},
               {2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qw * qx)},
               {2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy)}}};
    mat3 s = {{{exp(log_scale[0]), 0, 0}, {0, exp(log_scale[1]), 0}, {0, 0, exp(log_scale[2])}}};
    mat3 rs = mul3(r, s);
    mat3 sigma = mul3(rs, transpose3(rs));

    // EWA: J of the perspective map at p, with x/z and y/z clamped to the view widened by 15%.
    double fx = cam->fx, fy = cam->fy, z = p[2];
    double xlo = -cam->cx / fx, xhi = (cam->width - cam->cx) / fx;
    double ylo = -cam->cy / fy, yhi = (cam->height - cam->cy) / fy;
    double ux = fmin(fmax(p[0] / z, xlo - 0.15 * (xhi - xlo)), xhi + 0.15 * (xhi - xlo));
    double uy = fmin(fmax(p[1] / z, ylo - 0.15 * (yhi - ylo)), yhi + 0.15 * (yhi - ylo));
    mat3 j = {{{fx / z, 0, -fx * ux / z}, {0, fy / z, -fy * uy / z}, {0, 0, 0}}};
    mat3 t = mul3(j, w);
    mat3 cov = mul3(mul3(t, sigma), transpose3(t));
    double a = cov.m[0][0] + 0.3, b = cov.m[0][1], c = cov.m[1][1] + 0.3;
    double det = a * c - b * b;
    if (!(det > 0)) return;
    double mid = 0.5 * (a + c);
    double lambda = mid + sqrt(fmax(0.1, mid * mid - det));
    double radius = ceil(3 * sqrt(lambda));
    double u = fx * p[0] / z + cam->cx, v = fy * p[1] / z + cam->cy;
    int32_t tiles_x = csplat_tiles_x(cam->width), tiles_y = csplat_tiles_y(cam->height);
    double x0 = fmin(fmax(floor((u - radius) / CSPLAT_TILE_SIZE), 0), tiles_x);
    double x1 = fmin(fmax(floor((u + radius + CSPLAT_TILE_SIZE - 1) / CSPLAT_TILE_SIZE), 0), tiles_x);
    double y0 = fmin(fmax(floor((v - radius) / CSPLAT_TILE_SIZE), 0), tiles_y);
    double y1 = fmin(fmax(floor((v + radius + CSPLAT_TILE_SIZE - 1) / CSPLAT_TILE_SIZE), 0), tiles_y);
    if (x1 <= x0 || y1 <= y0) return;

    out->visible = 1;
    out->mean2d[0] = u; out->mean2d[1] = v;
    out->cov2d[0] = a; out->cov2d[1] = b; out->cov2d[2] = c;
    out->conic[0] = c / det; out->conic[1] = -b / det; out->conic[2] = a / det;
    out->depth = z;
    out->radius = (int32_t)radius;
    out->rect[0] = (int32_t)x0; out->rect[1] = (int32_t)y0; out->rect[2] = (int32_t)x1; out->rect[3] = (int32_t)y1;
    out->opacity = 1 / (1 + exp(-opacity_logit));

    // Colour: SH at the direction from the camera centre -Wᵀ t to the mean.
    double center[3], dir[3];
    for (int i = 0; i < 3; i++)
        center[i] = -(w.m[0][i] * cam->translation[0] + w.m[1][i] * cam->translation[1] + w.m[2][i] * cam->translation[2]);
    for (int i = 0; i < 3; i++) dir[i] = mean[i] - center[i];
    double len = sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    double basis[16];
    sh_basis(sh_degree, dir[0] / len, dir[1] / len, dir[2] / len, basis);
    int coeffs = (sh_degree + 1) * (sh_degree + 1);
    for (int ch = 0; ch < 3; ch++) {
        double col = 0.5;
        for (int k = 0; k < coeffs; k++) col += basis[k] * sh[3 * k + ch];
        out->clamped[ch] = col < 0;
        out->color[ch] = col < 0 ? 0 : col;
    }
}
