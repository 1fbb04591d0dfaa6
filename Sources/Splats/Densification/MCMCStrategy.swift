import Foundation
import Geometry

/// The 3DGS-MCMC strategy (Kheradmand et al. 2024, as gsplat's MCMCStrategy): splats are
/// samples whose number only grows to a fixed budget. Every `every` iterations in
/// [`start`, `stop`]: "dead" splats (opacity ≤ `minOpacity`) are moved onto live ones drawn
/// with probability ∝ opacity, and `growthRate` more splats are added the same way up to the
/// trainer's cap; a splat copied N times splits its opacity and shrinks its scale so the sum of
/// the copies renders like the original (the paper's relocation formula). After every step,
/// positions get noise shaped by each splat's covariance and gated by its transparency, scaled
/// by the position learning rate. Opacities and scales are pulled toward 0 by L1 regularisers.
public final class MCMCStrategy: DensificationStrategy {
    public struct Settings: Equatable {
        public var start = 500
        /// nil: until 5/6 of the fit (gsplat: 25,000 of 30,000).
        public var stop: Int? = nil
        public var every = 100
        /// Fraction added per refinement until the cap.
        public var growthRate: Float = 0.05
        public var minOpacity: Float = 0.005
        /// Noise scale × position learning rate (gsplat: 5e5).
        public var noiseScale: Float = 5e5
        /// Weights of the L1 regularisers on mean opacity and mean scale.
        public var opacityRegularization: Float = 0.01
        public var scaleRegularization: Float = 0.01

        public init() {}

        public func validate() throws {
            for (name, value) in [("mcmc.start", start), ("mcmc.every", every)] where value < 1 {
                throw SplatsError.badOptions(field: name, reason: "must be at least 1, got \(value)")
            }
            guard growthRate >= 0, growthRate.isFinite else {
                throw SplatsError.badOptions(field: "mcmc.growthRate", reason: "must be >= 0, got \(growthRate)")
            }
            guard minOpacity > 0, minOpacity < 1 else {
                throw SplatsError.badOptions(field: "mcmc.minOpacity", reason: "must be in (0, 1), got \(minOpacity)")
            }
            for (name, value) in [("mcmc.noiseScale", noiseScale), ("mcmc.opacityRegularization", opacityRegularization),
                                  ("mcmc.scaleRegularization", scaleRegularization)] where !(value >= 0 && value.isFinite) {
                throw SplatsError.badOptions(field: name, reason: "must be >= 0, got \(value)")
            }
        }
    }

    public let name = "mcmc"
    public var settings: Settings
    /// Copies of one splat are limited to this many (the relocation formula's table size).
    static let maxCopies = 51

    public init(settings: Settings = Settings()) throws {
        try settings.validate()
        self.settings = settings
    }

    func active(_ context: DensificationContext) -> Bool {
        let it = context.iteration, stop = settings.stop ?? context.totalIterations * 5 / 6
        return it >= settings.start && it <= stop && it % settings.every == 0
    }

    public func postBackward(_ state: inout TrainingState, gradients: inout SplatGradients, radii: [Int32],
                             context: inout DensificationContext) throws {
        let cloud = state.cloud, n = cloud.count
        guard n > 0 else { return }
        let o = settings.opacityRegularization / Float(n), s = settings.scaleRegularization / Float(3 * n)
        for i in 0..<n {
            let p = SplatMath.sigmoid(cloud.opacityLogits[i])
            gradients.parameters.opacityLogits[i] += o * p * (1 - p)
            for a in 0..<3 { gradients.parameters.logScales[3 * i + a] += s * exp(cloud.logScales[3 * i + a]) }
        }
    }

    public func afterStep(_ state: inout TrainingState, context: inout DensificationContext) throws {
        if active(context) {
            try relocateDead(&state, rng: &context.rng)
            try grow(&state, cap: context.maxSplats, rng: &context.rng)
        }
        injectNoise(&state, learningRate: context.meansLearningRate, rng: &context.rng)
    }

    /// Moves every dead splat onto a live one drawn ∝ opacity. Returns how many moved.
    @discardableResult
    public func relocateDead(_ state: inout TrainingState, rng: inout SeededGenerator) throws -> Int {
        let n = state.cloud.count
        let opacities = (0..<n).map { SplatMath.sigmoid(state.cloud.opacityLogits[$0]) }
        let dead = (0..<n).filter { opacities[$0] <= settings.minOpacity }
        let live = (0..<n).filter { opacities[$0] > settings.minOpacity }
        guard !dead.isEmpty, !live.isEmpty else { return 0 }
        let sources = sample(live, weights: live.map { opacities[$0] }, count: dead.count, rng: &rng)
        try share(&state, sources: sources)
        for (d, s) in zip(dead, sources) { copy(&state.cloud, from: s, to: d) }
        state.resetMoments(Array(Set(sources)).sorted() + dead)
        return dead.count
    }

    /// Adds `growthRate` × count splats (not past `cap`) as copies of splats drawn ∝ opacity.
    @discardableResult
    public func grow(_ state: inout TrainingState, cap: Int, rng: inout SeededGenerator) throws -> Int {
        let n = state.cloud.count
        let target = min(cap, Int(Float(n) * (1 + settings.growthRate)))
        guard target > n, n > 0 else { return 0 }
        let opacities = (0..<n).map { SplatMath.sigmoid(state.cloud.opacityLogits[$0]) }
        let sources = sample(Array(0..<n), weights: opacities, count: target - n, rng: &rng)
        try share(&state, sources: sources)
        try state.append(try state.cloud.selecting(sources))
        state.resetMoments(Array(Set(sources)).sorted())
        return target - n
    }

    /// Every drawn source will be shown by itself plus its copies: give each the opacity and
    /// scale that make the copies add up to the original.
    func share(_ state: inout TrainingState, sources: [Int]) throws {
        var copies: [Int: Int] = [:]
        for s in sources { copies[s, default: 1] += 1 }
        for (i, total) in copies.sorted(by: { $0.key < $1.key }) {
            let (opacity, scaleFactor) = relocated(opacity: SplatMath.sigmoid(state.cloud.opacityLogits[i]),
                                                   copies: min(total, Self.maxCopies))
            state.cloud.opacityLogits[i] = SplatMath.logit(opacity)
            for a in 0..<3 { state.cloud.logScales[3 * i + a] += log(scaleFactor) }
        }
    }

    /// The paper's relocation: N copies of opacity o' = 1 - (1 - o)^(1/N) and scale s × factor,
    /// factor = o / Σ_{i=1..N} Σ_{k=0..i-1} C(i-1, k) (-1)^k o'^(k+1) / √(k+1).
    func relocated(opacity o: Float, copies n: Int) -> (opacity: Float, scaleFactor: Float) {
        let oo = Double(o), newOpacity = min(max(1 - pow(1 - oo, 1 / Double(n)), Double(settings.minOpacity)), 1 - 1e-6)
        var denominator = 0.0
        for i in 1...n {
            var binomial = 1.0 // C(i-1, k)
            for k in 0..<i {
                if k > 0 { binomial = binomial * Double(i - k) / Double(k) }
                denominator += binomial * (k % 2 == 0 ? 1 : -1) * pow(newOpacity, Double(k + 1)) / Double(k + 1).squareRoot()
            }
        }
        let factor = denominator > 0 ? oo / denominator : 1
        return (Float(newOpacity), Float(min(max(factor, 1e-3), 1)))
    }

    func copy(_ cloud: inout GaussianCloud, from s: Int, to d: Int) {
        let k = cloud.shCoefficients * 3
        for a in 0..<3 { cloud.means[3 * d + a] = cloud.means[3 * s + a]; cloud.logScales[3 * d + a] = cloud.logScales[3 * s + a] }
        for a in 0..<4 { cloud.rotations[4 * d + a] = cloud.rotations[4 * s + a] }
        cloud.opacityLogits[d] = cloud.opacityLogits[s]
        for a in 0..<k { cloud.sh[k * d + a] = cloud.sh[k * s + a] }
    }

    /// `count` draws with replacement from `items` with probability ∝ `weights` (inverse CDF).
    func sample(_ items: [Int], weights: [Float], count: Int, rng: inout SeededGenerator) -> [Int] {
        var cumulative = [Double](repeating: 0, count: items.count)
        var sum = 0.0
        for (k, w) in weights.enumerated() { sum += Double(max(w, 0)); cumulative[k] = sum }
        guard sum > 0 else { return (0..<count).map { _ in items[rng.nextInt(below: items.count)] } }
        return (0..<count).map { _ in
            let u = rng.nextDouble() * sum
            var lo = 0, hi = items.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            return items[lo]
        }
    }

    /// means += noiseScale × lr × gate(1 - opacity) × Σ ε, Σ the splat's covariance, ε ~ N(0, I),
    /// gate(x) = 1 / (1 + exp(-100 (x - 0.995))): only nearly transparent splats wander far.
    func injectNoise(_ state: inout TrainingState, learningRate: Float, rng: inout SeededGenerator) {
        let scale = settings.noiseScale * learningRate
        guard scale > 0 else { return }
        let n = state.cloud.count
        let logits = state.cloud.opacityLogits, logScales = state.cloud.logScales, rotations = state.cloud.rotations
        state.cloud.means.withUnsafeMutableBufferPointer { means in
            for i in 0..<n {
                let opacity = SplatMath.sigmoid(logits[i])
                let gate = 1 / (1 + exp(-100 * ((1 - opacity) - 0.995)))
                // Opaque splats get no noise and take no draws (the gate is deterministic, so is the stream).
                guard gate > 1e-6 else { continue }
                let e0 = Float(rng.nextGaussian()), e1 = Float(rng.nextGaussian()), e2 = Float(rng.nextGaussian())
                var w = rotations[4 * i], x = rotations[4 * i + 1], y = rotations[4 * i + 2], z = rotations[4 * i + 3]
                let norm = (w * w + x * x + y * y + z * z).squareRoot()
                if norm > 0 { w /= norm; x /= norm; y /= norm; z /= norm } else { w = 1 }
                let r0 = 1 - 2 * (y * y + z * z), r1 = 2 * (x * y - w * z), r2 = 2 * (x * z + w * y)
                let r3 = 2 * (x * y + w * z), r4 = 1 - 2 * (x * x + z * z), r5 = 2 * (y * z - w * x)
                let r6 = 2 * (x * z - w * y), r7 = 2 * (y * z + w * x), r8 = 1 - 2 * (x * x + y * y)
                // Σ ε = R S² Rᵀ ε.
                let l0 = exp(2 * logScales[3 * i]) * (r0 * e0 + r3 * e1 + r6 * e2)
                let l1 = exp(2 * logScales[3 * i + 1]) * (r1 * e0 + r4 * e1 + r7 * e2)
                let l2 = exp(2 * logScales[3 * i + 2]) * (r2 * e0 + r5 * e1 + r8 * e2)
                let k = scale * gate
                means[3 * i] += k * (r0 * l0 + r1 * l1 + r2 * l2)
                means[3 * i + 1] += k * (r3 * l0 + r4 * l1 + r5 * l2)
                means[3 * i + 2] += k * (r6 * l0 + r7 * l1 + r8 * l2)
            }
        }
    }
}
