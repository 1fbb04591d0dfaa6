import CBLAS
import Foundation
import Geometry
import Reporting

/// Images to cameras and sparse points: pair matching and verification, then incremental
/// mapping. Every stage is deterministic for a given `options.seed`.
public enum IncrementalReconstruction {
    /// Matches and verifies the pairs of `plan` (plus `extra` candidates, plus loop-closure
    /// candidates when the plan asks for them) on `options.threads` threads. `progress`
    /// advances once per pair; Ctrl-C stops between pairs.
    public static func verifyPairs(features: [Features], options: ReconstructionOptions, extra: [ImagePair] = [],
                                   progress: Reporting.Progress? = nil) throws -> [VerifiedPair] {
        try options.validate()
        try checkSizes(features)
        var extra = extra
        let loops = options.matchPlan.loopCandidates(count: features.count)
        let window = options.matchPlan.window(count: features.count)
        if loops > 0, let window {
            extra += LoopDetector(options: options.globalDescriptor, loops: loops, window: window).candidates(features: features)
        }
        let pairs = options.matchPlan.pairs(count: features.count, extra: extra)
        progress?.setTotal(pairs.count) // the loop candidates are known only now
        // Exhaustive plans match the first keypoints only (see `exhaustiveMatchKeypoints`).
        var matched = features
        if options.matchPlan.resolved(count: features.count) == .exhaustive, let cap = options.exhaustiveMatchKeypoints {
            matched = features.map { $0.prefix(cap) }
        }
        let f = options.initialFocal(width: features[0].width, height: features[0].height)
        let intrinsics = Intrinsics(fx: f, fy: f, cx: Double(features[0].width) / 2, cy: Double(features[0].height) / 2)
        let workers = max(1, min(options.threads, pairs.count))
        // Pairs run in parallel already: BLAS threads on top would only contend for the cores.
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(blasThreads) }
        var results = [Result<VerifiedPair, Error>?](repeating: nil, count: pairs.count)
        results.withUnsafeMutableBufferPointer { slots in
            let out = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var k = worker
                while k < pairs.count {
                    let pair = pairs[k]
                    out[k] = Result {
                        try Cancellation.check()
                        return try PairVerifier.verify(pair, matched[pair.first], matched[pair.second], intrinsics: intrinsics, options: options)
                    }
                    progress?.advance()
                    k += workers
                }
            }
        }
        progress?.finish()
        return try results.map { try $0!.get() }
    }

    /// Builds the model from features and verified pairs. `progress` counts the registered images.
    ///
    /// With a sequential plan, loop pairs (beyond the neighbour window) are held back at first:
    /// the model is built from neighbouring pairs, each loop pair is checked against it
    /// (`LoopConsistency`: look-alikes of a repeated structure contradict its rotation), and the
    /// model is completed from there with the loops that agree, closing them.
    public static func reconstruct(features: [Features], pairs: [VerifiedPair], options: ReconstructionOptions,
                                   progress: Reporting.Progress? = nil) throws -> SparseModel {
        defer { progress?.finish() }
        try options.validate()
        try checkSizes(features)
        guard let window = options.matchPlan.window(count: features.count),
              pairs.contains(where: { $0.pair.second - $0.pair.first > window && !$0.inliers.isEmpty }) else {
            return try IncrementalMapper(features: features, pairs: pairs, options: options).run(progress: progress)
        }
        let neighbours = pairs.filter { $0.pair.second - $0.pair.first <= window }
        let first = try IncrementalMapper(features: features, pairs: neighbours, options: options).run(progress: progress)
        let checked = LoopConsistency.filter(pairs, window: window, model: first, toleranceDegrees: options.loopRotationTolerance)
        guard checked.kept > 0 else { return first }
        return try IncrementalMapper(features: features, pairs: checked.pairs, options: options).run(progress: progress, from: first)
    }

    static func checkSizes(_ features: [Features]) throws {
        guard features.count >= 2 else {
            throw EstimateError.reconstructionFailed(stage: "input", reason: "need at least 2 images, got \(features.count)")
        }
        let w = features[0].width, h = features[0].height
        if let other = features.firstIndex(where: { $0.width != w || $0.height != h }) {
            throw EstimateError.reconstructionFailed(stage: "input", reason:
                "all images must share one size (one camera): image 0 is \(w)×\(h), image \(other) is \(features[other].width)×\(features[other].height)")
        }
    }
}
