import Foundation
import Geometry

/// What `Ransac.run` needs from a model family: a minimal solver, a residual, and an optional
/// non-minimal re-fit on inliers (the local optimisation step).
public protocol RansacProblem {
    associatedtype Model
    /// Number of data items (correspondences).
    var count: Int { get }
    /// Items per minimal sample.
    var sampleSize: Int { get }
    /// All models consistent with a minimal sample (possibly none).
    func minimalFit(_ sample: [Int]) -> [Model]
    /// Squared residual of item `index` under `model`, in the units of `RansacOptions.maxError`².
    func squaredResidual(_ model: Model, _ index: Int) -> Double
    /// A model re-fitted to the given inliers, starting from `model`; nil to keep `model`.
    func refit(_ model: Model, inliers: [Int]) -> Model?
}

/// Settings of the robust estimator.
public struct RansacOptions: Equatable, Sendable {
    /// Inlier threshold on the residual, in the residual's unit (pixels for the estimators here).
    public var maxError: Double = 2.0
    /// Wanted probability that at least one all-inlier sample was drawn, in (0, 1).
    public var confidence: Double = 0.9999
    /// Iterations always run (≥ 1), and the hard cap.
    public var minIterations: Int = 20
    public var maxIterations: Int = 10_000
    /// Local optimisation: re-fit on the inliers this many times whenever a new best model is
    /// found, keeping the re-fit while its score improves (0 disables it).
    public var localOptimizationSteps: Int = 4
    /// The local optimisation re-fits on at most this many inliers, evenly spaced through them
    /// (0: all). Bounds its cost when there are thousands of inliers: it runs at every new best.
    public var localOptimizationLimit: Int = 256
    /// Fewest inliers for a model to be accepted at all.
    public var minInliers: Int = 0
    /// Seed of the sample generator: same seed, same result.
    public var seed: UInt64 = 0

    public init(maxError: Double = 2.0, confidence: Double = 0.9999, minIterations: Int = 20,
                maxIterations: Int = 10_000, localOptimizationSteps: Int = 4, minInliers: Int = 0, seed: UInt64 = 0) {
        self.maxError = maxError; self.confidence = confidence; self.minIterations = minIterations
        self.maxIterations = maxIterations; self.localOptimizationSteps = localOptimizationSteps
        self.minInliers = minInliers; self.seed = seed
    }

    public func validate() throws {
        guard maxError.isFinite, maxError > 0 else {
            throw EstimateError.invalidOption(field: "maxError", reason: "must be positive, got \(maxError)")
        }
        guard confidence > 0, confidence < 1 else {
            throw EstimateError.invalidOption(field: "confidence", reason: "must be in (0, 1), got \(confidence)")
        }
        guard minIterations >= 1 else {
            throw EstimateError.invalidOption(field: "minIterations", reason: "must be ≥ 1, got \(minIterations)")
        }
        guard maxIterations >= minIterations else {
            throw EstimateError.invalidOption(field: "maxIterations", reason: "must be ≥ minIterations (\(minIterations)), got \(maxIterations)")
        }
        guard localOptimizationSteps >= 0 else {
            throw EstimateError.invalidOption(field: "localOptimizationSteps", reason: "must be ≥ 0, got \(localOptimizationSteps)")
        }
        guard localOptimizationLimit >= 0 else {
            throw EstimateError.invalidOption(field: "localOptimizationLimit", reason: "must be ≥ 0, got \(localOptimizationLimit)")
        }
        guard minInliers >= 0 else {
            throw EstimateError.invalidOption(field: "minInliers", reason: "must be ≥ 0, got \(minInliers)")
        }
    }
}

/// The best model and its support.
public struct RansacResult<Model> {
    public var model: Model
    /// Indices of the items within `maxError`, ascending.
    public var inliers: [Int]
    /// Samples drawn.
    public var iterations: Int
    /// MSAC cost: Σ min(r², maxError²) over all items (lower is better).
    public var cost: Double
}

/// LO-RANSAC (Chum et al.) with MSAC scoring and the adaptive stopping rule
/// N = log(1 − confidence) / log(1 − wˢ), w the best inlier ratio so far.
public enum Ransac {
    public static func run<P: RansacProblem>(_ problem: P, options: RansacOptions,
                                             what: String = "RANSAC") throws -> RansacResult<P.Model> {
        try options.validate()
        let n = problem.count, s = problem.sampleSize
        guard n >= s else { throw EstimateError.tooFewCorrespondences(what: what, count: n, needed: s) }
        let threshold2 = options.maxError * options.maxError
        var rng = SeededGenerator(seed: options.seed)

        func score(_ model: P.Model) -> (cost: Double, inliers: [Int]) {
            var cost = 0.0
            var inliers: [Int] = []
            for i in 0..<n {
                let r2 = problem.squaredResidual(model, i)
                if r2 <= threshold2 { cost += r2; inliers.append(i) } else { cost += threshold2 }
            }
            return (cost, inliers)
        }

        var best: (model: P.Model, cost: Double, inliers: [Int])?
        var needed = options.maxIterations
        var iteration = 0
        while iteration < max(options.minIterations, min(needed, options.maxIterations)) {
            iteration += 1
            let sample = drawSample(count: n, size: s, rng: &rng)
            for model in problem.minimalFit(sample) {
                let (cost, inliers) = score(model)
                guard cost < (best?.cost ?? .infinity) else { continue }
                best = (model, cost, inliers)
                // Local optimisation from the new best.
                for _ in 0..<options.localOptimizationSteps {
                    guard let current = best, current.inliers.count > s,
                          let refined = problem.refit(current.model, inliers: subset(current.inliers, options.localOptimizationLimit)) else { break }
                    let (refinedCost, refinedInliers) = score(refined)
                    guard refinedCost < current.cost else { break }
                    best = (refined, refinedCost, refinedInliers)
                }
                needed = requiredIterations(inlierRatio: Double(best!.inliers.count) / Double(n), sampleSize: s,
                                            confidence: options.confidence)
            }
            if iteration >= options.maxIterations { break }
        }
        guard let found = best, found.inliers.count >= max(options.minInliers, s) else {
            throw EstimateError.noModel(what: what, reason: "no sample gave a model with at least \(max(options.minInliers, s)) inliers after \(iteration) samples")
        }
        return RansacResult(model: found.model, inliers: found.inliers, iterations: iteration, cost: found.cost)
    }

    /// At most `limit` of `items`, evenly spaced (all when `limit` is 0 or not exceeded).
    static func subset(_ items: [Int], _ limit: Int) -> [Int] {
        guard limit > 0, items.count > limit else { return items }
        return (0..<limit).map { items[$0 * items.count / limit] }
    }

    /// Samples needed to draw an all-inlier minimal sample with the given confidence.
    public static func requiredIterations(inlierRatio w: Double, sampleSize s: Int, confidence: Double) -> Int {
        let good = pow(max(0, min(1, w)), Double(s))
        if good >= 1 { return 1 }
        if good <= 0 { return Int.max }
        let value = log(1 - confidence) / log(1 - good)
        return value.isFinite && value < 1e9 ? Int(value.rounded(.up)) : Int.max
    }

    /// `size` distinct indices in 0..<count (partial Fisher–Yates on a small set of picks).
    static func drawSample(count: Int, size: Int, rng: inout SeededGenerator) -> [Int] {
        var picked: [Int] = []
        picked.reserveCapacity(size)
        while picked.count < size {
            let candidate = rng.nextInt(below: count)
            if !picked.contains(candidate) { picked.append(candidate) }
        }
        return picked
    }
}
