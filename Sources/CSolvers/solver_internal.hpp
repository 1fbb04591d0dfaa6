// Shared between the projection and the bundle adjuster.
#pragma once
#include <Eigen/Dense>

namespace v2w {
Eigen::Matrix3d rotation(const double omega[3]);
Eigen::Vector3d angle_axis(const Eigen::Matrix3d &r);
/// Pixel of a world point; Jacobians as in v2w_ba_project. False when not in front.
bool project(const double pose[6], const double point[3], const double intrinsics[5], double pixel[2],
             double jacobian_pose[12], double jacobian_point[6], double jacobian_intrinsics[10]);
/// The same with the pose's rotation matrix already formed (`pose` supplies the translation,
/// elements 3…5): the bundle adjuster forms each camera's rotation once per pass.
bool project(const Eigen::Matrix3d &rotation, const double pose[6], const double point[3], const double intrinsics[5],
             double pixel[2], double jacobian_pose[12], double jacobian_point[6], double jacobian_intrinsics[10]);
}  // namespace v2w
