import Geometry

/// A camera pose found from 2D–3D correspondences, and its support.
public struct AbsolutePoseEstimate: Sendable {
    /// World-to-camera.
    public var pose: Pose
    /// Correspondence indices with reprojection error ≤ the threshold, ascending.
    public var inliers: [Int]
    public var iterations: Int
}

/// Camera registration: P3P LO-RANSAC on reprojection error; the local optimisation minimises
/// the reprojection error over the inliers on (R, t).
public enum AbsolutePose {
    /// `pixels[i]` observes world point `points[i]` in a camera with `intrinsics` (distortion
    /// is removed first). `options.maxError` is in pixels.
    public static func estimate(pixels: [Vec2], points: [Vec3], intrinsics: Intrinsics,
                                options: RansacOptions = .init()) throws -> AbsolutePoseEstimate {
        guard pixels.count == points.count else {
            throw EstimateError.mismatchedCounts(what: "absolute pose correspondences", first: pixels.count, second: points.count)
        }
        try checkFinite(pixels, "absolute pose pixels")
        try checkFinite(points, "absolute pose world points")
        let normalized = pixels.map { intrinsics.normalizedUndistorted($0) }
        let scale = pixelScale(intrinsics)
        let problem = AbsolutePoseProblem(observations: normalized, points: points, scale2: scale * scale)
        let result = try Ransac.run(problem, options: options, what: "absolute pose")
        return AbsolutePoseEstimate(pose: result.model, inliers: result.inliers, iterations: result.iterations)
    }
}

struct AbsolutePoseProblem: RansacProblem {
    /// Normalised image coordinates (x/z, y/z).
    let observations: [Vec2]
    let points: [Vec3]
    let scale2: Double

    var count: Int { points.count }
    var sampleSize: Int { 3 }

    func minimalFit(_ sample: [Int]) -> [Pose] {
        P3P.solve(bearings: sample.map { Vec3(observations[$0].x, observations[$0].y, 1) },
                  points: sample.map { points[$0] })
    }

    func squaredResidual(_ pose: Pose, _ index: Int) -> Double {
        let c = pose.apply(points[index])
        guard c.z > 0 else { return .infinity }
        let dx = c.x / c.z - observations[index].x, dy = c.y / c.z - observations[index].y
        return (dx * dx + dy * dy) * scale2
    }

    func refit(_ model: Pose, inliers: [Int]) -> Pose? {
        func pose(_ p: [Double]) -> Pose {
            Pose(rotation: rotationFromVector(Vec3(p[0], p[1], p[2])) * model.rotation,
                 translation: model.translation + Vec3(p[3], p[4], p[5]))
        }
        let best = SmallLeastSquares(iterations: 8).minimize([0, 0, 0, 0, 0, 0]) { p in
            let current = pose(p)
            var r: [Double] = []
            r.reserveCapacity(2 * inliers.count)
            for i in inliers {
                let c = current.apply(points[i])
                let z = c.z > 1e-12 ? c.z : 1e-12
                r.append(c.x / z - observations[i].x); r.append(c.y / z - observations[i].y)
            }
            return r
        }
        return pose(best)
    }
}
