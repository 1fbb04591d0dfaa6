// CSolvers: bundle adjustment (Eigen) behind a plain C interface.
// Swift owns every buffer; the solver updates poses, points and intrinsics in place. Its dense
// and block matrices are Eigen temporaries that live only for the call. The solver starts no
// threads: it hands independent chunks of work to the caller's `parallel` function.
#ifndef CSOLVERS_H
#define CSOLVERS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Robust losses on the squared reprojection error s (pixels²), with scale c (pixels):
/// Huber ρ(s) = s for s ≤ c², 2c√s − c² beyond; Cauchy ρ(s) = c² log(1 + s / c²).
enum { V2W_LOSS_SQUARED = 0, V2W_LOSS_HUBER = 1, V2W_LOSS_CAUCHY = 2 };

/// Shared intrinsics, in this order: focal (fx = fy), cx, cy, k1, k2 (OpenCV radial model:
/// pixel = f · n · (1 + k1 r² + k2 r⁴) + c for normalised n). Bits of `intrinsics_free`.
enum { V2W_BA_FOCAL = 1, V2W_BA_CX = 2, V2W_BA_CY = 4, V2W_BA_K1 = 8, V2W_BA_K2 = 16 };

/// One chunk of work: `task(context, index)` for index in 0..<count.
typedef void (*v2w_task)(void *context, int32_t index);
/// Runs `task(context, k)` for every k in 0..<count, in any order or concurrently, and returns
/// when all have finished. Chunks write disjoint memory; the solver combines their results in
/// chunk order, so the outcome does not depend on how (or whether) they run in parallel.
typedef void (*v2w_parallel_for)(int32_t count, void *context, v2w_task task);

typedef struct {
    int32_t camera_count;
    int32_t point_count;
    int32_t observation_count;
    const int32_t *observation_camera;  // [observation_count]
    const int32_t *observation_point;   // [observation_count]
    const double *observations;         // [2 · observation_count] pixels
    double *poses;       // [6 · camera_count]: world-to-camera angle-axis ω then t; updated
    double *points;      // [3 · point_count]; updated
    double *intrinsics;  // [5]; updated where free
    /// Per camera, bit k set holds parameter k fixed (0–2 rotation, 3–5 translation); 63 fixes
    /// the whole pose. NULL: all free. Fixed parameters (and fixed points) set the gauge.
    const uint8_t *pose_fixed;
    /// Per point, nonzero holds the point fixed. NULL: all free.
    const uint8_t *point_fixed;
    int32_t intrinsics_free;  // V2W_BA_* bits
    int32_t loss;             // V2W_LOSS_*
    double loss_scale;        // pixels
    int32_t max_iterations;
    /// Stop when an accepted step lowers the cost by less than this fraction.
    double function_tolerance;
    /// Runs the chunks of each pass (linearisation, Schur complement, point update, cost);
    /// NULL runs them one after another.
    v2w_parallel_for parallel;
} v2w_ba_problem;

typedef struct {
    double initial_cost;  // ½ Σ ρ(s) before
    double final_cost;    // and after
    int32_t iterations;   // LM iterations run (accepted or not)
    int32_t accepted;     // steps accepted
    int32_t status;       // 0 converged or ran out of iterations; <0 bad input (see v2w_bundle_adjust)
} v2w_ba_summary;

/// Levenberg–Marquardt on the robust reprojection cost, points eliminated by the Schur
/// complement (the reduced camera system is dense, solved by LDLᵀ). The work is split into
/// chunks of points by observation count alone (never by thread count), each with its own
/// accumulators summed in chunk order: one thread or many give bit-identical results.
/// Returns 0 on success,
/// −1 for an index out of range, −2 for a non-finite input, −3 for an unknown loss.
int32_t v2w_bundle_adjust(const v2w_ba_problem *problem, v2w_ba_summary *summary);

/// One observation's projection and its Jacobians (any output pointer may be NULL).
/// The pose Jacobian (2×6, row-major) is with respect to the local update
/// R ← exp([δω]×) R, t ← t + δt; the point Jacobian is 2×3, the intrinsics one 2×5.
/// Returns 0, or 1 when the point is not in front of the camera (outputs untouched).
int32_t v2w_ba_project(const double pose[6], const double point[3], const double intrinsics[5],
                       double pixel[2], double jacobian_pose[12], double jacobian_point[6],
                       double jacobian_intrinsics[10]);

/// R ← exp([δ]×) R expressed on angle-axis vectors: writes the angle-axis of exp(δ) R(ω).
void v2w_rotate_angle_axis(const double omega[3], const double delta[3], double out[3]);

/// Angle-axis ↔ row-major 3×3 rotation matrix.
void v2w_angle_axis_to_matrix(const double omega[3], double matrix[9]);
void v2w_matrix_to_angle_axis(const double matrix[9], double omega[3]);

#ifdef __cplusplus
}
#endif

#endif
