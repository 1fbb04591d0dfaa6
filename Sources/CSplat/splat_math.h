// Small inline helpers shared by the projection kernels (not part of the public API).
#ifndef CSPLAT_SPLAT_MATH_H
#define CSPLAT_SPLAT_MATH_H

#include <math.h>
#include "csplat_types.h"

// Rotation matrix (row-major) of the normalised quaternion q = (w, x, y, z) / |q|.
static inline void splat_quat_to_rotation(const float q[4], float r[9]) {
    float w = q[0], x = q[1], y = q[2], z = q[3];
    float inv = 1.0f / sqrtf(w * w + x * x + y * y + z * z);
    w *= inv; x *= inv; y *= inv; z *= inv;
    r[0] = 1 - 2 * (y * y + z * z); r[1] = 2 * (x * y - w * z);     r[2] = 2 * (x * z + w * y);
    r[3] = 2 * (x * y + w * z);     r[4] = 1 - 2 * (x * x + z * z); r[5] = 2 * (y * z - w * x);
    r[6] = 2 * (x * z - w * y);     r[7] = 2 * (y * z + w * x);     r[8] = 1 - 2 * (x * x + y * y);
}

// Limits of x/z (and y/z) to which the EWA Jacobian is clamped: the view widened by 15% of its
// extent on each side (1.3 tan(fov/2) of 3DGS for a centred principal point). Keeps splats far
// outside the view from getting huge footprints.
static inline void splat_view_limits(const csplat_camera *c, float lim[4]) {
    float x0 = -c->cx / c->fx, x1 = ((float)c->width - c->cx) / c->fx;
    float y0 = -c->cy / c->fy, y1 = ((float)c->height - c->cy) / c->fy;
    lim[0] = x0 - 0.15f * (x1 - x0); lim[1] = x1 + 0.15f * (x1 - x0);
    lim[2] = y0 - 0.15f * (y1 - y0); lim[3] = y1 + 0.15f * (y1 - y0);
}

// Camera centre in world coordinates: -Rᵀ t.
static inline void splat_camera_center(const csplat_camera *c, float o[3]) {
    const float *r = c->rotation, *t = c->translation;
    for (int i = 0; i < 3; i++) o[i] = -(r[i] * t[0] + r[3 + i] * t[1] + r[6 + i] * t[2]);
}

// The standard real SH basis constants of 3DGS.
#define SH_C0 0.28209479177387814f
#define SH_C1 0.4886025119029199f
static const float SH_C2[5] = {1.0925484305920792f, -1.0925484305920792f, 0.31539156525252005f,
                               -1.0925484305920792f, 0.5462742152960396f};
static const float SH_C3[7] = {-0.5900435899266435f, 2.890611442640554f, -0.4570457994644658f,
                               0.3731763325901154f, -0.4570457994644658f, 1.445305721320277f,
                               -0.5900435899266435f};

// SH basis values for a unit direction (x, y, z); fills (degree + 1)² entries.
static inline void splat_sh_basis(int degree, float x, float y, float z, float *b) {
    b[0] = SH_C0;
    if (degree < 1) return;
    b[1] = -SH_C1 * y; b[2] = SH_C1 * z; b[3] = -SH_C1 * x;
    if (degree < 2) return;
    float xx = x * x, yy = y * y, zz = z * z;
    b[4] = SH_C2[0] * x * y;
    b[5] = SH_C2[1] * y * z;
    b[6] = SH_C2[2] * (2 * zz - xx - yy);
    b[7] = SH_C2[3] * x * z;
    b[8] = SH_C2[4] * (xx - yy);
    if (degree < 3) return;
    b[9] = SH_C3[0] * y * (3 * xx - yy);
    b[10] = SH_C3[1] * x * y * z;
    b[11] = SH_C3[2] * y * (4 * zz - xx - yy);
    b[12] = SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy);
    b[13] = SH_C3[4] * x * (4 * zz - xx - yy);
    b[14] = SH_C3[5] * z * (xx - yy);
    b[15] = SH_C3[6] * x * (xx - 3 * yy);
}

// Which of those partials are not identically zero, per axis (x, y, z) and coefficient: loops
// unrolled over the coefficients skip the others (x · 0 is not foldable without fast math).
static const unsigned char SH_GRAD_NONZERO[3][CSPLAT_MAX_SH_COEFFS] = {
    {0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1},
    {0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0},
};

// Partial derivatives of the basis with respect to x, y, z (treated as independent).
static inline void splat_sh_basis_grad(int degree, float x, float y, float z,
                                       float *dx, float *dy, float *dz) {
    dx[0] = dy[0] = dz[0] = 0;
    if (degree < 1) return;
    dx[1] = 0; dy[1] = -SH_C1; dz[1] = 0;
    dx[2] = 0; dy[2] = 0; dz[2] = SH_C1;
    dx[3] = -SH_C1; dy[3] = 0; dz[3] = 0;
    if (degree < 2) return;
    float xx = x * x, yy = y * y, zz = z * z;
    dx[4] = SH_C2[0] * y; dy[4] = SH_C2[0] * x; dz[4] = 0;
    dx[5] = 0; dy[5] = SH_C2[1] * z; dz[5] = SH_C2[1] * y;
    dx[6] = -2 * SH_C2[2] * x; dy[6] = -2 * SH_C2[2] * y; dz[6] = 4 * SH_C2[2] * z;
    dx[7] = SH_C2[3] * z; dy[7] = 0; dz[7] = SH_C2[3] * x;
    dx[8] = 2 * SH_C2[4] * x; dy[8] = -2 * SH_C2[4] * y; dz[8] = 0;
    if (degree < 3) return;
    dx[9] = 6 * SH_C3[0] * x * y; dy[9] = SH_C3[0] * (3 * xx - 3 * yy); dz[9] = 0;
    dx[10] = SH_C3[1] * y * z; dy[10] = SH_C3[1] * x * z; dz[10] = SH_C3[1] * x * y;
    dx[11] = -2 * SH_C3[2] * x * y; dy[11] = SH_C3[2] * (4 * zz - xx - 3 * yy); dz[11] = 8 * SH_C3[2] * y * z;
    dx[12] = -6 * SH_C3[3] * x * z; dy[12] = -6 * SH_C3[3] * y * z; dz[12] = SH_C3[3] * (6 * zz - 3 * xx - 3 * yy);
    dx[13] = SH_C3[4] * (4 * zz - 3 * xx - yy); dy[13] = -2 * SH_C3[4] * x * y; dz[13] = 8 * SH_C3[4] * x * z;
    dx[14] = 2 * SH_C3[5] * x * z; dy[14] = -2 * SH_C3[5] * y * z; dz[14] = SH_C3[5] * (xx - yy);
    dx[15] = SH_C3[6] * (3 * xx - 3 * yy); dy[15] = -6 * SH_C3[6] * x * y; dz[15] = 0;
}

#endif
