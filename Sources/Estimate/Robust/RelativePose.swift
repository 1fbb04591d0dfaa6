import Geometry

/// The relative pose of a second camera and its support.
public struct RelativePoseEstimate: Sendable {
    /// Camera 2 from camera 1 (`X2 = R X1 + t`), |t| = 1.
    public var pose: Pose
    /// `[t]× R`.
    public var essential: Mat3
    /// Correspondence indices with Sampson error ≤ the threshold, ascending.
    public var inliers: [Int]
    public var iterations: Int
}

/// Relative pose from point correspondences: five-point LO-RANSAC with Sampson residuals; the
/// local optimisation minimises the Sampson error over the inliers on (R, t).
public enum RelativePose {
    /// From pixel coordinates in two calibrated cameras (distortion is removed first).
    /// `options.maxError` is in pixels.
    public static func estimate(points1: [Vec2], points2: [Vec2], intrinsics1: Intrinsics, intrinsics2: Intrinsics,
                                options: RansacOptions = .init()) throws -> RelativePoseEstimate {
        guard points1.count == points2.count else {
            throw EstimateError.mismatchedCounts(what: "relative pose correspondences", first: points1.count, second: points2.count)
        }
        try checkFinite(points1, "relative pose points (image 1)")
        try checkFinite(points2, "relative pose points (image 2)")
        let rays1 = points1.map { p -> Vec3 in let n = intrinsics1.normalizedUndistorted(p); return Vec3(n.x, n.y, 1) }
        let rays2 = points2.map { p -> Vec3 in let n = intrinsics2.normalizedUndistorted(p); return Vec3(n.x, n.y, 1) }
        return try estimate(rays1: rays1, rays2: rays2, pixelsPerUnit: pixelScale(intrinsics1, intrinsics2), options: options)
    }

    /// From normalised coordinates (x, y, 1); `pixelsPerUnit` (a focal length) converts the
    /// residual to the unit of `options.maxError`.
    public static func estimate(rays1: [Vec3], rays2: [Vec3], pixelsPerUnit: Double,
                                options: RansacOptions = .init()) throws -> RelativePoseEstimate {
        guard rays1.count == rays2.count else {
            throw EstimateError.mismatchedCounts(what: "relative pose correspondences", first: rays1.count, second: rays2.count)
        }
        guard pixelsPerUnit.isFinite, pixelsPerUnit > 0 else {
            throw EstimateError.invalidOption(field: "pixelsPerUnit", reason: "must be a positive focal length, got \(pixelsPerUnit)")
        }
        let problem = EssentialProblem(rays1: rays1, rays2: rays2, scale2: pixelsPerUnit * pixelsPerUnit)
        let result = try Ransac.run(problem, options: options, what: "relative pose")
        return RelativePoseEstimate(pose: result.model.pose, essential: result.model.essential,
                                    inliers: result.inliers, iterations: result.iterations)
    }
}

struct EssentialModel {
    var pose: Pose
    var essential: Mat3
    init(_ pose: Pose) { self.pose = pose; essential = EssentialMatrix.from(pose) }
}

struct EssentialProblem: RansacProblem {
    let rays1: [Vec3], rays2: [Vec3]
    /// Pixels² per normalised unit².
    let scale2: Double

    var count: Int { rays1.count }
    var sampleSize: Int { 5 }

    func minimalFit(_ sample: [Int]) -> [EssentialModel] {
        let a = sample.map { rays1[$0] }, b = sample.map { rays2[$0] }
        return FivePoint.solve(a, b).compactMap { e in
            let (pose, inFront) = EssentialMatrix.recoverPose(e, a, b)
            return inFront == sample.count ? EssentialModel(pose) : nil
        }
    }

    func squaredResidual(_ model: EssentialModel, _ index: Int) -> Double {
        EssentialMatrix.sampsonError(model.essential, rays1[index], rays2[index]) * scale2
    }

    func refit(_ model: EssentialModel, inliers: [Int]) -> EssentialModel? {
        let start = model.pose
        let (b1, b2) = tangentBasis(start.translation)
        func pose(_ p: [Double]) -> Pose {
            Pose(rotation: rotationFromVector(Vec3(p[0], p[1], p[2])) * start.rotation,
                 translation: normalize(start.translation + p[3] * b1 + p[4] * b2))
        }
        let solver = SmallLeastSquares(iterations: 8)
        let best = solver.minimize([0, 0, 0, 0, 0]) { p in
            let e = EssentialMatrix.from(pose(p))
            return inliers.map { i in
                // Signed square root of the Sampson error.
                let x1 = rays1[i], x2 = rays2[i]
                let ex1 = e * x1, etx2 = e.transposed * x2
                let d = (ex1.x * ex1.x + ex1.y * ex1.y + etx2.x * etx2.x + etx2.y * etx2.y).squareRoot()
                return d > 0 ? dot(x2, ex1) / d : 0
            }
        }
        let refined = pose(best)
        // Keep the cheirality of the refined model.
        var inFront = 0
        for i in inliers where EssentialMatrix.inFrontOfBoth(refined, rays1[i], rays2[i]) { inFront += 1 }
        return inFront * 2 >= inliers.count ? EssentialModel(refined) : nil
    }
}
