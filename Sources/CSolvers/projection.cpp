// Projection of one observation with analytic Jacobians, and angle-axis helpers.
#include "CSolvers.h"
#include "solver_internal.hpp"

namespace v2w {

Eigen::Matrix3d rotation(const double omega[3]) {
    Eigen::Vector3d w(omega[0], omega[1], omega[2]);
    double angle = w.norm();
    if (angle < 1e-300) return Eigen::Matrix3d::Identity();
    return Eigen::AngleAxisd(angle, w / angle).toRotationMatrix();
}

Eigen::Vector3d angle_axis(const Eigen::Matrix3d &r) {
    Eigen::AngleAxisd aa(r);
    return aa.angle() * aa.axis();
}

bool project(const double pose[6], const double point[3], const double k[5], double pixel[2],
             double jp[12], double jx[6], double jk[10]) {
    return project(rotation(pose), pose, point, k, pixel, jp, jx, jk);
}

bool project(const Eigen::Matrix3d &r, const double pose[6], const double point[3], const double k[5], double pixel[2],
             double jp[12], double jx[6], double jk[10]) {
    const Eigen::Vector3d world(point[0], point[1], point[2]);
    const Eigen::Vector3d rx = r * world;
    const Eigen::Vector3d c = rx + Eigen::Vector3d(pose[3], pose[4], pose[5]);
    if (!(c.z() > 1e-12)) return false;
    const double iz = 1.0 / c.z();
    const double x = c.x() * iz, y = c.y() * iz;
    const double f = k[0], k1 = k[3], k2 = k[4];
    const double r2 = x * x + y * y;
    const double d = 1 + k1 * r2 + k2 * r2 * r2;
    pixel[0] = f * x * d + k[1];
    pixel[1] = f * y * d + k[2];
    if (!jp && !jx && !jk) return true;

    // d(pixel)/d(x, y): the radial factor depends on r² through dd/dr² = k1 + 2 k2 r².
    const double dr = k1 + 2 * k2 * r2;
    Eigen::Matrix2d dn;
    dn << f * (d + 2 * x * x * dr), f * 2 * x * y * dr,
          f * 2 * x * y * dr, f * (d + 2 * y * y * dr);
    // d(x, y)/d(camera point).
    Eigen::Matrix<double, 2, 3> dc;
    dc << iz, 0, -x * iz,
          0, iz, -y * iz;
    const Eigen::Matrix<double, 2, 3> dpc = dn * dc;
    if (jp) {
        // exp([δ]×) R X ≈ R X + δ × R X, so d c / d δω = −[R X]×.
        Eigen::Matrix3d skew;
        skew << 0, -rx.z(), rx.y(),
                rx.z(), 0, -rx.x(),
                -rx.y(), rx.x(), 0;
        const Eigen::Matrix<double, 2, 3> dw = -dpc * skew;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j) {
                jp[i * 6 + j] = dw(i, j);
                jp[i * 6 + 3 + j] = dpc(i, j);
            }
    }
    if (jx) {
        const Eigen::Matrix<double, 2, 3> dx = dpc * r;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j) jx[i * 3 + j] = dx(i, j);
    }
    if (jk) {
        const double row0[5] = {x * d, 1, 0, f * x * r2, f * x * r2 * r2};
        const double row1[5] = {y * d, 0, 1, f * y * r2, f * y * r2 * r2};
        for (int j = 0; j < 5; ++j) { jk[j] = row0[j]; jk[5 + j] = row1[j]; }
    }
    return true;
}

}  // namespace v2w

extern "C" int32_t v2w_ba_project(const double pose[6], const double point[3], const double intrinsics[5],
                                  double pixel[2], double jacobian_pose[12], double jacobian_point[6],
                                  double jacobian_intrinsics[10]) {
    double p[2];
    if (!v2w::project(pose, point, intrinsics, p, jacobian_pose, jacobian_point, jacobian_intrinsics)) return 1;
    if (pixel) { pixel[0] = p[0]; pixel[1] = p[1]; }
    return 0;
}

extern "C" void v2w_rotate_angle_axis(const double omega[3], const double delta[3], double out[3]) {
    const Eigen::Vector3d w = v2w::angle_axis(v2w::rotation(delta) * v2w::rotation(omega));
    out[0] = w.x(); out[1] = w.y(); out[2] = w.z();
}

extern "C" void v2w_angle_axis_to_matrix(const double omega[3], double matrix[9]) {
    const Eigen::Matrix3d r = v2w::rotation(omega);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) matrix[i * 3 + j] = r(i, j);
}

extern "C" void v2w_matrix_to_angle_axis(const double matrix[9], double omega[3]) {
    Eigen::Matrix3d r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) r(i, j) = matrix[i * 3 + j];
    const Eigen::Vector3d w = v2w::angle_axis(r);
    omega[0] = w.x(); omega[1] = w.y(); omega[2] = w.z();
}
