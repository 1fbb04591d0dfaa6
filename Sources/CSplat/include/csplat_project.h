// Projection of 3D Gaussians into a camera, and its backward pass.
#ifndef CSPLAT_PROJECT_H
#define CSPLAT_PROJECT_H

#include "csplat_types.h"

// Projects splats [begin, end): EWA 2D covariance J W Σ Wᵀ Jᵀ + 0.3 I with Σ = R S Sᵀ Rᵀ, its
// inverse (conic), the 3σ radius, depth, 2D mean, the 16×16 tile rectangle, the SH colour for the
// direction from the camera centre to the mean (+0.5, clamped at 0) and the sigmoid opacity.
void csplat_project(const csplat_gaussians *gaussians, const csplat_camera *camera,
                    const csplat_projected *out, int32_t begin, int32_t end);

// Backward of csplat_project for splats [begin, end). splat_grads holds count × CSPLAT_GRAD_STRIDE
// gradients with respect to the projected quantities (see csplat_gather_gradients). Writes
// (overwrites) the gradients of every parameter of those splats; culled splats get zeros.
// Exact, including the quaternion normalisation, the clamp of the Jacobian to the widened view
// and the view direction of the SH colour (through projected->color_jacobians, which
// csplat_project must have written).
void csplat_project_backward(const csplat_gaussians *gaussians, const csplat_camera *camera,
                             const csplat_projected *projected, const float *splat_grads,
                             const csplat_gaussian_grads *out, int32_t begin, int32_t end);

#endif
