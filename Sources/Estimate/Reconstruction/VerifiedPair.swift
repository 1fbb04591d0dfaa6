import Foundation
import Geometry

/// The geometrically verified matches of one image pair.
public struct VerifiedPair: Equatable, Sendable {
    public var pair: ImagePair
    /// Putative matches before verification.
    public var putative: Int
    /// Keypoint index pairs (first image, second image) consistent with the two-view geometry.
    public var inliers: [PairMatch]
    public var configuration: TwoViewConfiguration
    /// Camera 2 from camera 1, |t| = 1, under the prior intrinsics (nil when not general/planar).
    public var relativePose: Pose?

    public init(pair: ImagePair, putative: Int, inliers: [PairMatch], configuration: TwoViewConfiguration, relativePose: Pose?) {
        self.pair = pair; self.putative = putative; self.inliers = inliers
        self.configuration = configuration; self.relativePose = relativePose
    }
}

public struct PairMatch: Equatable, Hashable, Sendable {
    public var index1: Int32
    public var index2: Int32
    public init(_ a: Int, _ b: Int) { index1 = Int32(a); index2 = Int32(b) }
}

/// Putative matching and two-view verification of a pair.
enum PairVerifier {
    static func verify(_ pair: ImagePair, _ a: Features, _ b: Features, intrinsics: Intrinsics,
                       options: ReconstructionOptions) throws -> VerifiedPair {
        let matches = try Matcher.match(a, b, options: options.matching)
        var result = VerifiedPair(pair: pair, putative: matches.count, inliers: [], configuration: .insufficient, relativePose: nil)
        guard matches.count >= options.minPairInliers else { return result }
        let p1 = matches.map { Vec2(Double(a.keypoints[$0.index1].x), Double(a.keypoints[$0.index1].y)) }
        let p2 = matches.map { Vec2(Double(b.keypoints[$0.index2].x), Double(b.keypoints[$0.index2].y)) }
        var twoView = options.twoView
        twoView.ransac.seed = options.seed &+ UInt64(pair.first) &* 1_000_003 &+ UInt64(pair.second)
        twoView.minInliers = options.minPairInliers
        let geometry = try TwoViewGeometry.analyze(points1: p1, points2: p2, intrinsics1: intrinsics, intrinsics2: intrinsics,
                                                   options: twoView)
        result.configuration = geometry.configuration
        guard let pose = geometry.relativePose else { return result }
        // The essential-matrix inliers: correspondences consistent with a camera motion (for
        // a pure rotation they are still right, only the translation is meaningless).
        result.inliers = pose.inliers.map { PairMatch(matches[$0].index1, matches[$0].index2) }
        result.relativePose = pose.pose
        return result
    }
}
