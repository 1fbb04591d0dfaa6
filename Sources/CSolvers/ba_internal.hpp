// Bundle adjustment internals shared by the driver (bundle_adjust.cpp), the linearisation
// (ba_linearize.cpp) and the Schur complement (ba_schur.cpp).
//
// Camera-side unknowns: 6 pose columns per camera that is not wholly fixed (a partly fixed
// pose keeps all 6, its fixed ones with zero Jacobian columns, pinned to zero in the solve),
// then the free intrinsics. Every pose block is therefore a 6 × 6 tile of the reduced system.
// Points are eliminated by the Schur complement, one 3 × 3 block each.
#pragma once
#include "CSolvers.h"
#include "solver_internal.hpp"

#include <cmath>
#include <vector>

namespace v2w::ba {

struct Loss {
    int kind;
    double c2;
    double rho(double s) const {
        switch (kind) {
        case V2W_LOSS_HUBER: return s <= c2 ? s : 2 * std::sqrt(c2 * s) - c2;
        case V2W_LOSS_CAUCHY: return c2 * std::log1p(s / c2);
        default: return s;
        }
    }
    // dρ/ds: the weight of the observation in the Gauss–Newton normal equations.
    double weight(double s) const {
        switch (kind) {
        case V2W_LOSS_HUBER: return s <= c2 ? 1 : std::sqrt(c2 / s);
        case V2W_LOSS_CAUCHY: return 1 / (1 + s / c2);
        default: return 1;
        }
    }
};

// Penalty for an observation whose point is not in front of its camera.
constexpr double kBehindPenalty = 1e6;

struct Layout {
    std::vector<int> block;  // per camera: its pose block (columns 6·block …), −1 when wholly fixed
    std::vector<int> cameras;  // per block: its camera
    int intrinsic[5];        // per intrinsic: its offset among the free ones, or −1
    int intrinsic_param[5];  // per free intrinsic: which of the five
    int ni = 0;              // free intrinsics
    int blocks() const { return int(cameras.size()); }
    int size() const { return 6 * blocks() + ni; }
};

/// Observations grouped by point (CSR), and the chunks of points the work is split into.
struct PointIndex {
    std::vector<int> start;     // point j's observations are by_point[start[j] ..< start[j + 1]]
    std::vector<int> by_point;  // observation indices
    std::vector<int> chunk;     // chunk k holds points chunk[k] ..< chunk[k + 1]
    int longest = 0;            // most observations of one point
    int chunks() const { return int(chunk.size()) - 1; }
};

/// Camera-side sums of one chunk (pose blocks 6 × 6 row-major, intrinsics rows × pose columns
/// ni × 6, intrinsics ni × ni) and the gradient.
struct CameraSums {
    std::vector<double> pose;       // 36 per block
    std::vector<double> cross;      // 6 · ni per block
    double intrinsics[25];
    std::vector<double> gradient;   // size()
    void reset(const Layout &l);
    void add(const CameraSums &o);
};

/// The normal equations at the current parameters (what a relinearisation computes).
struct Linearization {
    std::vector<double> w;        // per observation (CSR position): ρ' J_poseᵀ J_point, 6 × 3 row-major
    std::vector<uint8_t> valid;   // per observation: in front of its camera
    std::vector<double> v;        // per point: ρ' Σ J_pointᵀ J_point, 3 × 3 row-major
    std::vector<double> gp;       // per point: the point gradient
    std::vector<double> wi;       // per point: ρ' Σ J_intrinsicsᵀ J_point, ni × 3 row-major
    CameraSums cameras;           // summed over chunks in chunk order
};

/// The current parameters.
struct State {
    std::vector<double> poses, points;
    double intrinsics[5];
    std::vector<Eigen::Matrix3d> rotations;  // per camera, formed once per pass
    void update_rotations(int cameras);
};

/// Runs body(k) for k in 0..<count through the caller's parallel function, or in turn.
template <class Body> void for_each_chunk(const v2w_ba_problem &p, int count, Body &body) {
    if (count == 1 || !p.parallel) {
        for (int k = 0; k < count; ++k) body(k);
        return;
    }
    p.parallel(count, &body, [](void *context, int32_t k) { (*static_cast<Body *>(context))(k); });
}

/// Linearises the points of chunk k: fills `lin`'s per-observation and per-point parts in the
/// chunk's range and the chunk's camera sums.
void linearize_chunk(const v2w_ba_problem &p, const Loss &loss, const Layout &layout, const PointIndex &index,
                     const State &state, int k, Linearization &lin, CameraSums &sums);

/// ½ Σ ρ over the observations of chunk k's points.
double chunk_cost(const v2w_ba_problem &p, const Loss &loss, const PointIndex &index, const State &state, int k);

/// A chunk's share of the reduced camera system: Σ W V⁻¹ Wᵀ over its points as 6 × 6 tiles of
/// the lower triangle (packed: tile (a, b), a ≥ b, at index a(a+1)/2 + b, each column-major
/// with 8 rows, the last 2 zero, so each column is one aligned cache line), the intrinsics rows
/// against each pose block (ni × 6, row-major) and against themselves (ni × ni), and Σ W V⁻¹ g.
struct SchurSums {
    std::vector<double, Eigen::aligned_allocator<double>> tiles;
    std::vector<double> cross;
    double intrinsics[25];
    std::vector<double> rhs;
    static constexpr int kTile = 48;
    static size_t bytes(const Layout &l) {
        return sizeof(double) * (size_t(l.blocks()) * (l.blocks() + 1) / 2 * kTile + size_t(6) * l.ni * l.blocks() + l.size());
    }
    void reset(const Layout &l);
    double *tile(int a, int b) { return tiles.data() + (size_t(a) * (a + 1) / 2 + b) * kTile; }
    const double *tile(int a, int b) const { return tiles.data() + (size_t(a) * (a + 1) / 2 + b) * kTile; }
};

/// The Schur complement's share of chunk k for damping λ into `sums`; `inverse_factor` (6 per
/// point) receives L⁻¹ of each damped V = L Lᵀ. False when some V is not positive definite.
bool schur_chunk(const v2w_ba_problem &p, const Layout &layout, const PointIndex &index, const Linearization &lin,
                 double lambda, int k, SchurSums &sums, double *inverse_factor);

/// Point steps of chunk k from the camera step dc: δp = V⁻¹ (−g − Σ Wᵀ δc).
void point_steps_chunk(const v2w_ba_problem &p, const Layout &layout, const PointIndex &index, const Linearization &lin,
                       const double *inverse_factor, const double *dc, int k, double *points);

}  // namespace v2w::ba
