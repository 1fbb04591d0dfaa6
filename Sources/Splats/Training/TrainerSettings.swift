import Foundation

/// Settings of the trainer (defaults as the 3DGS reference, schedule in iterations).
public struct TrainerSettings: Equatable {
    /// Iterations of the whole fit (the position rate decays over them).
    public var iterations = 7000
    /// Highest SH degree (0...3), reached one degree at a time.
    public var shDegree = 3
    /// Iterations between raising the evaluated SH degree by one.
    public var shDegreeInterval = 1000
    /// λ of the loss (1 - λ) L1 + λ (1 - SSIM).
    public var ssimWeight: Float = 0.2
    /// Group rates; `means` is multiplied by the scene extent and decays exponentially to
    /// `meansFinalFraction` of itself over the fit (3DGS: 1.6e-4 → 1.6e-6).
    public var rates = SplatLearningRates()
    public var meansFinalFraction: Float = 0.01
    /// Hard cap on the splat count.
    public var maxSplats = 1_000_000
    public var background = TrainingBackground.random
    public var maskMode = MaskMode.exclude
    /// Learn a per-image affine colour transform (see `ExposureTransform`).
    public var exposureCompensation = false
    public var exposureLearningRate: Float = 1e-3
    /// Adam only over the splats the step's view sees (gsplat's "visible" Adam; see
    /// `SplatAdam.apply`) instead of over every splat (the 3DGS reference).
    public var visibleAdam = false
    /// Coarse-to-fine: the first `downscaleInterval` iterations train on the views halved
    /// `downscaleLevels` times, each further `downscaleInterval` iterations on views one level
    /// finer, the rest on the full views (OpenSplat's resolution schedule); levels that would
    /// leave a view under 8 pixels on a side are skipped. 0 levels: full size throughout, as the
    /// 3DGS reference.
    public var downscaleLevels = 0
    public var downscaleInterval = 1000
    /// Seed of every random choice (view order, backgrounds, densification).
    public var seed: UInt64 = 0
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public func validate() throws {
        func positive(_ name: String, _ value: Int) throws {
            if value < 1 { throw SplatsError.badOptions(field: name, reason: "must be at least 1, got \(value)") }
        }
        try positive("iterations", iterations)
        try positive("shDegreeInterval", shDegreeInterval)
        try positive("maxSplats", maxSplats)
        try positive("threads", threads)
        try positive("downscaleInterval", downscaleInterval)
        guard (0...4).contains(downscaleLevels) else {
            throw SplatsError.badOptions(field: "downscaleLevels", reason: "must be in 0...4, got \(downscaleLevels)")
        }
        guard (0...3).contains(shDegree) else {
            throw SplatsError.badOptions(field: "shDegree", reason: "must be in 0...3, got \(shDegree)")
        }
        guard ssimWeight >= 0, ssimWeight <= 1 else {
            throw SplatsError.badOptions(field: "ssimWeight", reason: "must be in [0, 1], got \(ssimWeight)")
        }
        let r = rates
        for (name, value) in [("rates.means", r.means), ("rates.logScales", r.logScales), ("rates.rotations", r.rotations),
                              ("rates.opacityLogits", r.opacityLogits), ("rates.shDC", r.shDC), ("rates.shRest", r.shRest),
                              ("exposureLearningRate", exposureLearningRate)] where !(value >= 0 && value.isFinite) {
            throw SplatsError.badOptions(field: name, reason: "must be >= 0 and finite, got \(value)")
        }
        guard meansFinalFraction > 0, meansFinalFraction <= 1 else {
            throw SplatsError.badOptions(field: "meansFinalFraction", reason: "must be in (0, 1], got \(meansFinalFraction)")
        }
        if case let .fixed(colour) = background, colour.count != 3 || !colour.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw SplatsError.badOptions(field: "background", reason: "needs 3 values in [0, 1]")
        }
    }

    /// SH degree evaluated at a 1-based iteration.
    public func shDegree(at iteration: Int) -> Int { min(shDegree, (iteration - 1) / shDegreeInterval) }

    /// How many times the views are halved at a 1-based iteration (0: full size).
    public func downscaleLevel(at iteration: Int) -> Int {
        max(0, downscaleLevels - (iteration - 1) / downscaleInterval)
    }

    /// Position learning rate at a 1-based iteration for a scene of this extent.
    public func meansRate(at iteration: Int, extent: Float) -> Float {
        let t = min(max(Float(iteration - 1) / Float(max(iterations - 1, 1)), 0), 1)
        return rates.means * extent * exp(t * log(meansFinalFraction))
    }
}
