import Foundation

/// Settings of incremental reconstruction; pixels and degrees as named.
public struct ReconstructionOptions: Equatable, Sendable {
    public var matchPlan: MatchPlan = .default
    public var matching = MatchOptions()
    /// Two-view verification (its RANSAC `maxError` in pixels).
    public var twoView: TwoViewOptions = {
        var o = TwoViewOptions()
        o.ransac.maxError = 4
        o.ransac.maxIterations = 2000
        return o
    }()
    /// Loop-closure candidates: the global descriptor that proposes them, and how far (degrees)
    /// a verified loop pair's rotation may differ from the model built without loops. A
    /// repeated structure (four identical walls, a symmetric object) verifies as a loop with a
    /// rotation off by 90° or 180°; it is dropped.
    public var globalDescriptor = GlobalDescriptorOptions()
    public var loopRotationTolerance: Double = 30
    /// Pairs of an exhaustive plan are matched on this many keypoints of each image (the first
    /// in priority order: the coarsest); nil matches all. All-pairs matching costs pairs × k²:
    /// kitchen (25 photos, 1000 × 667), 4096 instead of 8192 cut the CPU time about 140 → 65 s with
    /// poses within 0.03° of the full run (reprojection 0.28 vs 0.22 px). Sequential plans
    /// (video) match every keypoint.
    public var exhaustiveMatchKeypoints: Int? = 4096
    /// Fewest verified matches for a pair to count.
    public var minPairInliers: Int = 15
    /// Focal length prior when nothing better is known: this field of view across the longer
    /// image side, in degrees.
    public var fieldOfViewPrior: Double = 60
    /// A known focal length in pixels (from metadata); overrides the field-of-view prior.
    public var focalPrior: Double? = nil
    /// Smallest median triangulation angle of the initial pair, in degrees.
    public var minInitialAngle: Double = 3
    /// Fewest points the initial pair must triangulate.
    public var minInitialPoints: Int = 50
    /// Registration: P3P LO-RANSAC settings (`maxError` in pixels) and the fewest inliers.
    public var registration: RansacOptions = RansacOptions(maxError: 4, maxIterations: 5000)
    /// 15 (COLMAP asks 30) lets small, low-texture frames register (a 136 × 240 phone video:
    /// 54 of 149 keyframes at 25, all at 15); a wrong pose among few matches is caught by the
    /// inlier ratio instead.
    public var minRegistrationInliers: Int = 15
    /// Fewest inliers among the image's matches to reconstructed points (COLMAP: 0.25).
    public var minRegistrationInlierRatio: Double = 0.25
    /// Triangulation checks for new points and the filter after bundle adjustment.
    public var triangulation = TriangulationOptions(minAngleDegrees: 1.5, maxReprojectionError: 4)
    /// Observations with a larger reprojection error are removed after bundle adjustment.
    public var maxReprojectionError: Double = 4
    /// Bundle adjustment (intrinsics refined as set here once enough images are registered).
    public var bundle = BundleOptions(loss: .cauchy(scale: 1), maxIterations: 30, functionTolerance: 1e-6)
    /// Relative cost decrease below which the adjustments made while the model grows (local,
    /// and global at each growth step) stop; the final global ones run to
    /// `bundle.functionTolerance`. Room walk-through, 90 frames: 1e-4 instead of 1e-6 cut the
    /// CPU time by a quarter with the same final accuracy (0.30° median rotation).
    public var growingBundleTolerance: Double = 1e-4
    /// Iteration cap of the local adjustments (they start close to the optimum).
    public var localBundleIterations: Int = 10
    /// Registered images that a local bundle adjustment moves (the new one and its most
    /// co-visible neighbours).
    public var localBundleSize: Int = 8
    /// A global bundle adjustment runs whenever the model grew by this factor since the last.
    public var globalBundleGrowth: Double = 1.2
    /// Refine k1, k2 in the final global adjustments.
    public var refineDistortion: Bool = true
    /// Registration attempts per image before it is reported unregistered.
    public var maxRegistrationAttempts: Int = 3
    public var seed: UInt64 = 0
    /// Worker threads for pair matching and bundle adjustment (the model does not depend on it).
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}

    public func validate() throws {
        func fail(_ field: String, _ reason: String) -> EstimateError { .invalidOption(field: field, reason: reason) }
        try matching.validate()
        try twoView.validate()
        try registration.validate()
        try triangulation.validate()
        try bundle.validate()
        if let k = exhaustiveMatchKeypoints, k < 64 { throw fail("exhaustiveMatchKeypoints", "must be ≥ 64, got \(k)") }
        guard minPairInliers >= 8 else { throw fail("minPairInliers", "must be ≥ 8, got \(minPairInliers)") }
        guard fieldOfViewPrior > 1, fieldOfViewPrior < 170 else { throw fail("fieldOfViewPrior", "must be in (1, 170) degrees, got \(fieldOfViewPrior)") }
        if let f = focalPrior, !(f.isFinite && f > 0) { throw fail("focalPrior", "must be a positive number of pixels, got \(f)") }
        guard minInitialAngle >= 0, minInitialAngle < 60 else { throw fail("minInitialAngle", "must be in [0, 60) degrees, got \(minInitialAngle)") }
        guard minInitialPoints >= 8 else { throw fail("minInitialPoints", "must be ≥ 8, got \(minInitialPoints)") }
        guard minRegistrationInlierRatio >= 0, minRegistrationInlierRatio < 1 else {
            throw fail("minRegistrationInlierRatio", "must be in [0, 1), got \(minRegistrationInlierRatio)")
        }
        guard minRegistrationInliers >= 6 else { throw fail("minRegistrationInliers", "must be ≥ 6, got \(minRegistrationInliers)") }
        guard maxReprojectionError > 0 else { throw fail("maxReprojectionError", "must be positive pixels, got \(maxReprojectionError)") }
        guard growingBundleTolerance >= 0 else { throw fail("growingBundleTolerance", "must be ≥ 0, got \(growingBundleTolerance)") }
        guard localBundleIterations >= 1 else { throw fail("localBundleIterations", "must be ≥ 1, got \(localBundleIterations)") }
        guard localBundleSize >= 1 else { throw fail("localBundleSize", "must be ≥ 1, got \(localBundleSize)") }
        guard globalBundleGrowth > 1 else { throw fail("globalBundleGrowth", "must be > 1, got \(globalBundleGrowth)") }
        guard maxRegistrationAttempts >= 1 else { throw fail("maxRegistrationAttempts", "must be ≥ 1, got \(maxRegistrationAttempts)") }
        guard threads >= 1 else { throw fail("threads", "must be ≥ 1, got \(threads)") }
        switch matchPlan {
        case let .sequential(overlap), let .automatic(_, overlap):
            guard overlap >= 1 else { throw fail("matchPlan", "overlap must be ≥ 1, got \(overlap)") }
        case let .sequentialWithLoops(overlap, loops):
            guard overlap >= 1 else { throw fail("matchPlan", "overlap must be ≥ 1, got \(overlap)") }
            guard loops >= 0 else { throw fail("matchPlan", "loop candidates must be ≥ 0, got \(loops)") }
        case .exhaustive: break
        }
        guard loopRotationTolerance > 0 else { throw fail("loopRotationTolerance", "must be positive degrees, got \(loopRotationTolerance)") }
    }

    /// The starting focal length for images of this size.
    public func initialFocal(width: Int, height: Int) -> Double {
        focalPrior ?? Double(max(width, height)) / 2 / tan(fieldOfViewPrior * .pi / 360)
    }
}
