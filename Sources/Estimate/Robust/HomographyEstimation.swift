import Geometry

/// A homography found from point correspondences, and its support.
public struct HomographyEstimate: Sendable {
    /// `to ∼ H from`.
    public var homography: Mat3
    /// Correspondence indices with transfer error ≤ the threshold, ascending.
    public var inliers: [Int]
    public var iterations: Int
}

extension Homography {
    /// Four-point LO-RANSAC on the one-sided transfer error (pixels); the local optimisation
    /// re-fits the normalised DLT to all inliers. Used to tell planar scenes and pure rotations
    /// (well explained by H) from general motion.
    public static func estimate(from: [Vec2], to: [Vec2], options: RansacOptions = .init()) throws -> HomographyEstimate {
        guard from.count == to.count else {
            throw EstimateError.mismatchedCounts(what: "homography correspondences", first: from.count, second: to.count)
        }
        try checkFinite(from, "homography points (image 1)")
        try checkFinite(to, "homography points (image 2)")
        let result = try Ransac.run(HomographyProblem(from: from, to: to), options: options, what: "homography")
        return HomographyEstimate(homography: result.model, inliers: result.inliers, iterations: result.iterations)
    }
}

struct HomographyProblem: RansacProblem {
    let from: [Vec2], to: [Vec2]
    var count: Int { from.count }
    var sampleSize: Int { 4 }

    func minimalFit(_ sample: [Int]) -> [Mat3] {
        Homography.fit(from: sample.map { from[$0] }, to: sample.map { to[$0] }).map { [$0] } ?? []
    }

    func squaredResidual(_ h: Mat3, _ index: Int) -> Double {
        Homography.transferError(h, from: from[index], to: to[index])
    }

    func refit(_ h: Mat3, inliers: [Int]) -> Mat3? {
        Homography.fit(from: inliers.map { from[$0] }, to: inliers.map { to[$0] })
    }
}
