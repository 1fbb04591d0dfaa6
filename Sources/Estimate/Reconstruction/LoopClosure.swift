import Foundation
import Geometry

/// Loop-closure candidates for ordered images: for each image, the `loops` images outside its
/// neighbour window (|i − j| > `window`) whose VLAD descriptors are most alike.
public struct LoopDetector: PairCandidateSource {
    public var options: GlobalDescriptorOptions
    public var loops: Int
    public var window: Int

    public init(options: GlobalDescriptorOptions = .init(), loops: Int, window: Int) {
        self.options = options; self.loops = loops; self.window = window
    }

    public func candidates(features: [Features]) -> [ImagePair] {
        let n = features.count
        guard loops > 0, n > window + 1 else { return [] }
        let similarity = GlobalDescriptors(features: features, options: options).similarities()
        var pairs = Set<ImagePair>()
        for i in 0..<n {
            let ranked = (0..<n).filter { abs($0 - i) > window }
                .sorted { similarity[i * n + $0] != similarity[i * n + $1] ? similarity[i * n + $0] > similarity[i * n + $1] : $0 < $1 }
            for j in ranked.prefix(loops) { pairs.insert(ImagePair(i, j)) }
        }
        return pairs.sorted()
    }
}

/// Rejects loop pairs whose relative rotation disagrees with a model built without them. A
/// repeated structure seen from two places verifies as a plausible pair, but its rotation is
/// off by the structure's symmetry (90°, 180°) and would fold the reconstruction onto itself; a
/// true revisit agrees up to the model's drift and the pair's own error (two-view rotations of
/// a narrow view are uncertain by several degrees: the bas-relief ambiguity).
public enum LoopConsistency {
    /// `pairs` with contradicting loop pairs emptied (no inliers, `.insufficient`), the
    /// rejected pairs, and how many loop pairs were kept. Loop pairs with an image the model
    /// lacks are kept: they may be what registers it.
    public static func filter(_ pairs: [VerifiedPair], window: Int, model: SparseModel,
                              toleranceDegrees: Double) -> (pairs: [VerifiedPair], rejected: [ImagePair], kept: Int) {
        var result = pairs
        var rejected: [ImagePair] = []
        var kept = 0
        for (k, p) in pairs.enumerated() where p.pair.second - p.pair.first > window && !p.inliers.isEmpty {
            guard let pose = p.relativePose, let a = model.poses[p.pair.first], let b = model.poses[p.pair.second] else {
                kept += 1
                continue
            }
            let modelled = b.rotation * a.rotation.transposed
            if angleDegrees(modelled.transposed * pose.rotation) > toleranceDegrees {
                result[k].inliers = []
                result[k].configuration = .insufficient
                result[k].relativePose = nil
                rejected.append(p.pair)
            } else {
                kept += 1
            }
        }
        return (result, rejected, kept)
    }

    static func angleDegrees(_ r: Mat3) -> Double {
        acos(max(-1, min(1, (r.trace - 1) / 2))) * 180 / .pi
    }
}
