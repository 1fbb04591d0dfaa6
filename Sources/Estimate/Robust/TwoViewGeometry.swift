import Geometry

/// What two views can tell about the scene and the motion between them.
public enum TwoViewConfiguration: String, Equatable, Sendable {
    /// A translating camera and a 3-D scene: the relative pose is well defined.
    case general
    /// Most matches lie on one plane seen from a translating camera: the pose is usable, but
    /// the pair is a poor initial pair (a two-fold ambiguity, and depth from one plane only).
    case planar
    /// The camera only rotated (or the baseline is negligible against the depth): no depth can
    /// be triangulated, so the pair must not start a reconstruction.
    case pureRotation
    /// Too few consistent matches to decide.
    case insufficient
}

/// Settings of the two-view test.
public struct TwoViewOptions: Equatable, Sendable {
    /// RANSAC settings for both models; `maxError` in pixels.
    public var ransac = RansacOptions()
    /// Fewest essential-matrix inliers to classify the pair at all.
    public var minInliers: Int = 15
    /// Above this ratio of homography to essential inliers the homography explains the pair
    /// (COLMAP's `max_H_inlier_ratio`).
    public var maxHomographyRatio: Double = 0.8
    /// A homography whose calibrated form K₂⁻¹ H K₁ has singular values within this relative
    /// spread (largest / smallest − 1) is a rotation.
    public var rotationTolerance: Double = 0.03

    public init() {}

    public func validate() throws {
        try ransac.validate()
        guard minInliers >= 5 else { throw EstimateError.invalidOption(field: "minInliers", reason: "must be ≥ 5, got \(minInliers)") }
        guard maxHomographyRatio > 0, maxHomographyRatio <= 1 else {
            throw EstimateError.invalidOption(field: "maxHomographyRatio", reason: "must be in (0, 1], got \(maxHomographyRatio)")
        }
        guard rotationTolerance.isFinite, rotationTolerance > 0 else {
            throw EstimateError.invalidOption(field: "rotationTolerance", reason: "must be positive, got \(rotationTolerance)")
        }
    }
}

/// Both models fitted to a pair and the verdict.
public struct TwoViewGeometry: Sendable {
    public var configuration: TwoViewConfiguration
    public var relativePose: RelativePoseEstimate?
    public var homography: HomographyEstimate?
    /// Homography inliers / essential inliers.
    public var homographyRatio: Double
    /// Largest over smallest singular value of K₂⁻¹ H K₁ (1 for a pure rotation).
    public var homographyAnisotropy: Double

    /// Fits an essential matrix and a homography (pixel coordinates, distortion removed) and
    /// classifies the pair, so planar scenes and pure rotations never start a reconstruction.
    public static func analyze(points1: [Vec2], points2: [Vec2], intrinsics1: Intrinsics, intrinsics2: Intrinsics,
                               options: TwoViewOptions = .init()) throws -> TwoViewGeometry {
        try options.validate()
        guard points1.count == points2.count else {
            throw EstimateError.mismatchedCounts(what: "two-view correspondences", first: points1.count, second: points2.count)
        }
        var verdict = TwoViewGeometry(configuration: .insufficient, relativePose: nil, homography: nil,
                                      homographyRatio: 0, homographyAnisotropy: .infinity)
        try checkFinite(points1, "two-view points (image 1)")
        try checkFinite(points2, "two-view points (image 2)")
        guard points1.count >= options.minInliers,
              let pose = try modelOrNil({ try RelativePose.estimate(points1: points1, points2: points2, intrinsics1: intrinsics1,
                                                                    intrinsics2: intrinsics2, options: options.ransac) }),
              pose.inliers.count >= options.minInliers else { return verdict }
        verdict.relativePose = pose
        // The homography is fitted between undistorted pixels so that it is the plane's (or the
        // rotation's) true homography.
        let u1 = points1.map { intrinsics1.undistortPixel($0) }, u2 = points2.map { intrinsics2.undistortPixel($0) }
        // Only a homography with more than maxHomographyRatio · (essential inliers) matters:
        // enough samples to find one that good, not to chase a weak one.
        var homographyOptions = options.ransac
        let wanted = options.maxHomographyRatio * Double(pose.inliers.count) / Double(points1.count)
        homographyOptions.maxIterations = min(options.ransac.maxIterations, max(options.ransac.minIterations,
            Ransac.requiredIterations(inlierRatio: wanted, sampleSize: 4, confidence: options.ransac.confidence)))
        guard let h = try modelOrNil({ try Homography.estimate(from: u1, to: u2, options: homographyOptions) }) else {
            verdict.configuration = .general
            return verdict
        }
        verdict.homography = h
        verdict.homographyRatio = Double(h.inliers.count) / Double(pose.inliers.count)
        if let k2Inverse = intrinsics2.matrix.inverse() {
            let s = SVD3.decompose(k2Inverse * h.homography * intrinsics1.matrix).s
            verdict.homographyAnisotropy = s.z > 0 ? s.x / s.z : .infinity
        }
        if verdict.homographyRatio <= options.maxHomographyRatio {
            verdict.configuration = .general
        } else {
            verdict.configuration = verdict.homographyAnisotropy - 1 <= options.rotationTolerance ? .pureRotation : .planar
        }
        return verdict
    }

    /// The estimate, or nil when RANSAC found no model; other errors (bad input) propagate.
    private static func modelOrNil<T>(_ estimate: () throws -> T) throws -> T? {
        do { return try estimate() } catch EstimateError.noModel { return nil }
    }
}
