import Foundation
import Geometry

/// The original 3DGS adaptive density control. Every `every` iterations between `start` and
/// `stop`: splats whose view-space positional gradient, averaged over the views that saw them,
/// exceeds `gradientThreshold` are cloned when small (largest scale ≤ `percentDense` × extent)
/// or split into two smaller ones sampled from themselves when large; then splats are pruned
/// when nearly transparent, and after the first opacity reset also when too large on screen or
/// in the world. Every `opacityResetEvery` iterations all opacities are capped at 0.01.
/// Growth stops at the trainer's splat cap (the candidates with the largest gradients win).
public final class AdaptiveDensityControl: DensificationStrategy {
    public struct Settings: Equatable {
        /// First iteration that densifies.
        public var start = 500
        /// Last iteration that densifies; nil: half of the fit (3DGS: 15,000 of 30,000).
        public var stop: Int? = nil
        public var every = 100
        /// Mean |dL/d(2D mean)| in normalised device coordinates (pixels × half the image size).
        public var gradientThreshold: Float = 0.0002
        /// Splats larger than this fraction of the scene extent are split, smaller ones cloned.
        public var percentDense: Float = 0.01
        /// Prune below this opacity.
        public var minOpacity: Float = 0.005
        /// After the first opacity reset, prune splats wider than this on screen (radius, pixels)...
        public var maxScreenRadius: Float = 20
        /// ... or larger than this fraction of the extent in the world.
        public var maxWorldFraction: Float = 0.1
        /// 0 disables the reset.
        public var opacityResetEvery = 3000

        public init() {}

        public func validate() throws {
            for (name, value) in [("adc.start", start), ("adc.every", every)] where value < 1 {
                throw SplatsError.badOptions(field: name, reason: "must be at least 1, got \(value)")
            }
            if let stop, stop < 0 { throw SplatsError.badOptions(field: "adc.stop", reason: "must not be negative") }
            guard opacityResetEvery >= 0 else {
                throw SplatsError.badOptions(field: "adc.opacityResetEvery", reason: "must not be negative")
            }
            for (name, value) in [("adc.gradientThreshold", gradientThreshold), ("adc.percentDense", percentDense),
                                  ("adc.maxScreenRadius", maxScreenRadius), ("adc.maxWorldFraction", maxWorldFraction)]
            where !(value > 0 && value.isFinite) {
                throw SplatsError.badOptions(field: name, reason: "must be positive, got \(value)")
            }
            guard minOpacity >= 0, minOpacity < 1 else {
                throw SplatsError.badOptions(field: "adc.minOpacity", reason: "must be in [0, 1), got \(minOpacity)")
            }
        }
    }

    public let name = "adc"
    public var settings: Settings
    /// Per splat since the last densification: Σ gradient norms (NDC), views that saw it, and
    /// its largest screen radius.
    public private(set) var gradientSums: [Float] = []
    public private(set) var visibleCounts: [Float] = []
    public private(set) var maxRadii: [Float] = []

    public init(settings: Settings = Settings()) throws {
        try settings.validate()
        self.settings = settings
    }

    func stopIteration(_ context: DensificationContext) -> Int { settings.stop ?? context.totalIterations / 2 }

    public func postBackward(_ state: inout TrainingState, gradients: inout SplatGradients, radii: [Int32],
                             context: inout DensificationContext) throws {
        let n = state.cloud.count
        if gradientSums.count != n { resetStatistics(n) }
        guard context.iteration <= stopIteration(context) else { return }
        let ndc = 0.5 * Float(max(context.width, context.height))
        // The statistics are moved into locals for the loop (no copy: the properties are emptied
        // first), so it runs without the class's per-access exclusivity checks (~2 % of a step).
        var sums = gradientSums, counts = visibleCounts, largest = maxRadii
        gradientSums = []; visibleCounts = []; maxRadii = []
        let norms = gradients.mean2dGradientNorms
        for i in 0..<n where radii[i] > 0 {
            sums[i] += norms[i] * ndc
            counts[i] += 1
            largest[i] = max(largest[i], Float(radii[i]))
        }
        gradientSums = sums; visibleCounts = counts; maxRadii = largest
    }

    public func afterStep(_ state: inout TrainingState, context: inout DensificationContext) throws {
        let it = context.iteration
        if it <= stopIteration(context), it >= settings.start, it % settings.every == 0 {
            try densifyAndPrune(&state, context: &context,
                                pruneLarge: settings.opacityResetEvery > 0 && it > settings.opacityResetEvery)
        }
        if settings.opacityResetEvery > 0, it % settings.opacityResetEvery == 0, it <= stopIteration(context) {
            resetOpacities(&state)
        }
    }

    /// One densification: clone, split, prune, then clear the statistics.
    public func densifyAndPrune(_ state: inout TrainingState, context: inout DensificationContext,
                                pruneLarge: Bool) throws {
        let cloud = state.cloud, n = cloud.count
        if gradientSums.count != n { resetStatistics(n) }
        let extent = context.sceneExtent
        // Candidates, by decreasing mean gradient (ties by index: deterministic).
        var candidates: [(index: Int, gradient: Float)] = []
        for i in 0..<n where visibleCounts[i] > 0 {
            let g = gradientSums[i] / visibleCounts[i]
            if g >= settings.gradientThreshold { candidates.append((i, g)) }
        }
        candidates.sort { $0.gradient != $1.gradient ? $0.gradient > $1.gradient : $0.index < $1.index }

        var prune = [Bool](repeating: false, count: n)
        for i in 0..<n {
            if SplatMath.sigmoid(cloud.opacityLogits[i]) < settings.minOpacity { prune[i] = true }
            if pruneLarge && (maxRadii[i] > settings.maxScreenRadius
                              || SplatMath.maxScale(cloud, i) > settings.maxWorldFraction * extent) { prune[i] = true }
        }
        let survivors = n - prune.filter { $0 }.count
        let room = max(0, context.maxSplats - survivors)
        let chosen = candidates.filter { !prune[$0.index] }.prefix(room)

        var clones: [Int] = [], splits: [Int] = []
        for c in chosen {
            if SplatMath.maxScale(cloud, c.index) <= settings.percentDense * extent { clones.append(c.index) }
            else { splits.append(c.index) }
        }
        clones.sort()
        splits.sort()
        // A split replaces the splat by two children: the parent is pruned, two are added.
        for i in splits { prune[i] = true }
        var added = try cloud.selecting(clones)
        try added.append(try splitChildren(cloud, splits, rng: &context.rng))
        if survivors - splits.count + added.count > context.maxSplats {
            // The cap counts the children: drop the last ones (and keep those parents instead).
            let excess = survivors - splits.count + added.count - context.maxSplats
            added = try added.selecting(Array(0..<(added.count - excess)))
        }
        try state.keep((0..<n).filter { !prune[$0] })
        try state.append(added)
        resetStatistics(state.cloud.count)
    }

    /// Two children per splat: positions drawn from the parent Gaussian, scales / 1.6, the
    /// parent's rotation, opacity and colour.
    func splitChildren(_ cloud: GaussianCloud, _ parents: [Int], rng: inout SeededGenerator) throws -> GaussianCloud {
        var children = try cloud.selecting(parents.flatMap { [$0, $0] })
        let shrink = log(Float(1.6))
        for (c, parent) in parents.flatMap({ [$0, $0] }).enumerated() {
            let r = SplatMath.rotation(cloud, parent)
            let s = (0..<3).map { exp(cloud.logScales[3 * parent + $0]) * Float(rng.nextGaussian()) }
            for a in 0..<3 {
                children.means[3 * c + a] += r[3 * a] * s[0] + r[3 * a + 1] * s[1] + r[3 * a + 2] * s[2]
                children.logScales[3 * c + a] -= shrink
            }
        }
        return children
    }

    /// Caps every opacity at 0.01 and zeroes the opacity moments (3DGS's periodic reset).
    public func resetOpacities(_ state: inout TrainingState) {
        let cap = SplatMath.logit(0.01)
        for i in 0..<state.cloud.count {
            state.cloud.opacityLogits[i] = min(state.cloud.opacityLogits[i], cap)
            state.adam.firstMoments.opacityLogits[i] = 0
            state.adam.secondMoments.opacityLogits[i] = 0
        }
    }

    func resetStatistics(_ n: Int) {
        gradientSums = [Float](repeating: 0, count: n)
        visibleCounts = gradientSums
        maxRadii = gradientSums
    }

    public var checkpointArrays: [[Float]] { [gradientSums, visibleCounts, maxRadii] }

    public func restore(checkpointArrays: [[Float]]) throws {
        guard checkpointArrays.count == 3, Set(checkpointArrays.map(\.count)).count <= 1 else {
            throw SplatsError.badOptions(field: "checkpoint", reason: "adaptive density control needs 3 statistics arrays of one size")
        }
        gradientSums = checkpointArrays[0]
        visibleCounts = checkpointArrays[1]
        maxRadii = checkpointArrays[2]
    }
}
