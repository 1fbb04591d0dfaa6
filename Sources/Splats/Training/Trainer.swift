import Foundation
import Geometry

/// The 3DGS optimisation loop: each iteration picks a training view (a fresh seeded
/// permutation every epoch), renders it with the SH degree of the schedule, applies the view's
/// exposure transform if enabled, takes the loss (1 - λ) L1 + λ (1 - SSIM) against the 8-bit
/// target converted for this step, back-propagates, lets the densification strategy see the
/// gradients, steps Adam (position rate decayed and scaled by the scene extent), and lets the
/// strategy densify, prune or relocate. Every random choice is seeded by (seed, iteration), so
/// a fit resumed from a checkpoint repeats the uninterrupted one bit for bit.
public final class Trainer {
    public let views: [TrainingView]
    /// The views halved 1, 2, ... `settings.downscaleLevels` times (coarse-to-fine schedule),
    /// fewer where the views are too small.
    private let coarseViews: [[TrainingView]]
    public let settings: TrainerSettings
    public let strategy: DensificationStrategy
    public let layout: CameraLayout
    /// Splats and optimiser state.
    public private(set) var state: TrainingState
    public private(set) var exposures: ExposureSet
    /// Iterations done so far.
    public private(set) var iteration = 0

    private let rasterizer: SplatRasterizer
    private let loss: ImageLoss
    private var image = RenderedImage(width: 0, height: 0, color: [], alpha: [], depth: [])
    private var target: [Float] = [], weights: [Float]? = nil
    private var exposed: [Float] = [], gradient: [Float] = []
    private var gradients = SplatGradients(parameters: GaussianCloud(count: 0, shDegree: 0), mean2dGradientNorms: [])

    /// What one iteration measured.
    public struct StepResult: Equatable {
        public var loss: Double
        /// PSNR of this iteration's render (with its background) against its target.
        public var psnr: Double
        public var view: Int
        /// Size of the image it trained on (smaller than the view early in a coarse-to-fine fit).
        public var size: (width: Int, height: Int)

        public static func == (a: StepResult, b: StepResult) -> Bool {
            a.loss == b.loss && a.psnr == b.psnr && a.view == b.view && a.size == b.size
        }
    }

    public init(views: [TrainingView], initialCloud: GaussianCloud, settings: TrainerSettings,
                strategy: DensificationStrategy) throws {
        try settings.validate()
        guard !views.isEmpty else { throw SplatsError.badOptions(field: "views", reason: "no training views") }
        for view in views { try view.validate() }
        try initialCloud.validate()
        guard initialCloud.count > 0 else { throw SplatsError.badCloud(field: "count", reason: "the initial cloud is empty") }
        var cloud = initialCloud
        if cloud.shDegree != settings.shDegree { cloud = Trainer.withDegree(cloud, settings.shDegree) }
        if cloud.count > settings.maxSplats {
            // Keep an even spread of the initial points under the cap.
            cloud = try cloud.selecting((0..<settings.maxSplats).map { $0 * cloud.count / settings.maxSplats })
        }
        self.views = views
        var levels: [[TrainingView]] = []
        for _ in 0..<settings.downscaleLevels {
            let finer = levels.last ?? views
            // Levels that would leave a view under 8 pixels on a side are skipped (tiny views
            // gain nothing from them); their iterations train on the coarsest level kept.
            guard finer.allSatisfy({ min($0.width, $0.height) >= 16 }) else { break }
            levels.append(try finer.map { try $0.halved() })
        }
        coarseViews = levels
        self.settings = settings
        self.strategy = strategy
        layout = try CameraLayout(cameras: views.map(\.camera))
        state = TrainingState(cloud: cloud)
        exposures = ExposureSet(count: views.count)
        rasterizer = SplatRasterizer(threadCount: settings.threads)
        rasterizer.rendersDepth = false
        loss = ImageLoss(ssimWeight: settings.ssimWeight, threadCount: settings.threads)
    }

    /// A cloud with its SH coefficients padded with zeros or cut to `degree`.
    static func withDegree(_ cloud: GaussianCloud, _ degree: Int) -> GaussianCloud {
        var out = cloud
        out.shDegree = degree
        let from = cloud.shCoefficients, to = out.shCoefficients
        out.sh = [Float](repeating: 0, count: cloud.count * to * 3)
        for i in 0..<cloud.count {
            for k in 0..<(min(from, to) * 3) { out.sh[i * to * 3 + k] = cloud.sh[i * from * 3 + k] }
        }
        return out
    }

    /// Generator for one purpose of one iteration (or epoch).
    func generator(_ purpose: UInt64, _ index: Int) -> SeededGenerator {
        var mixer = SeededGenerator(seed: settings.seed ^ (purpose &* 0x9E37_79B9_7F4A_7C15))
        return SeededGenerator(seed: mixer.next() ^ UInt64(index))
    }

    /// Training view of a 1-based iteration: epoch e visits every view once in a seeded order.
    public func viewIndex(at iteration: Int) -> Int {
        let n = views.count, epoch = (iteration - 1) / n
        var rng = generator(1, epoch)
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        return order[(iteration - 1) % n]
    }

    /// Background colour of a 1-based iteration.
    public func background(at iteration: Int) -> [Float] {
        switch settings.background {
        case .fixed(let colour): return colour
        case .random:
            var rng = generator(2, iteration)
            return [Float(rng.nextDouble()), Float(rng.nextDouble()), Float(rng.nextDouble())]
        }
    }

    /// Runs one iteration.
    @discardableResult
    public func step() throws -> StepResult {
        let it = iteration + 1
        let index = viewIndex(at: it), level = min(settings.downscaleLevel(at: it), coarseViews.count)
        let view = level == 0 ? views[index] : coarseViews[level - 1][index]
        let bg = background(at: it)
        view.target(background: bg, maskMode: settings.maskMode, into: &target, weights: &weights)
        var context = DensificationContext(iteration: it, totalIterations: settings.iterations,
                                           sceneExtent: Float(layout.extent), maxSplats: settings.maxSplats,
                                           meansLearningRate: settings.meansRate(at: it, extent: Float(layout.extent)),
                                           width: view.width, height: view.height, rng: generator(3, it))
        try strategy.preBackward(&state, context: &context)

        rasterizer.background = bg
        try rasterizer.render(state.cloud, camera: view.camera, shDegree: settings.shDegree(at: it), into: &image)
        if gradient.count != image.color.count { gradient = [Float](repeating: 0, count: image.color.count) }
        let compensate = settings.exposureCompensation
        if compensate { exposures.transforms[index].apply(image.color, into: &exposed) }
        let rendered = compensate ? exposed : image.color
        let value = try gradient.withUnsafeMutableBufferPointer { g in
            try loss.evaluate(rendered: rendered, target: target, width: view.width, height: view.height,
                              weights: weights, gradient: g)
        }
        guard value.total.isFinite else {
            throw SplatsError.badOptions(field: "loss", reason: "became \(value.total) at iteration \(it); lower the learning rates")
        }
        let psnr = ImageMetrics.psnr(meanSquaredError: ImageMetrics.meanSquaredError(rendered, target, weights: weights))
        if compensate {
            let dExposure = exposures.transforms[index].backward(color: image.color, gradient: &gradient)
            exposures.apply(dExposure, view: index, rate: settings.exposureLearningRate)
        }
        try rasterizer.backward(dColor: gradient, dAlpha: nil, dDepth: nil, into: &gradients)
        let radii = rasterizer.lastRadii
        try strategy.postBackward(&state, gradients: &gradients, radii: radii, context: &context)

        var rates = settings.rates
        rates.means = context.meansLearningRate
        try state.applyAdam(gradients.parameters, rates: rates, threads: settings.threads,
                            visibleRadii: settings.visibleAdam ? radii : nil)
        try strategy.afterStep(&state, context: &context)
        if state.cloud.count > settings.maxSplats {
            throw SplatsError.badCloud(field: "count", reason: "strategy \(strategy.name) grew past the cap of \(settings.maxSplats)")
        }
        iteration = it
        return StepResult(loss: value.total, psnr: psnr, view: index, size: (view.width, view.height))
    }

    /// Renders `view` from the current splats (all SH degrees trained so far, no exposure
    /// transform) over `background`, and measures it against the view's image over the same
    /// background (masked pixels excluded).
    public func evaluate(_ view: TrainingView, background: [Float]) throws -> ImageMetrics {
        var t: [Float] = [], w: [Float]? = nil
        view.target(background: background, maskMode: .exclude, into: &t, weights: &w)
        let rendered = try render(view.camera, background: background)
        return try ImageMetrics.measure(rendered: rendered.color, target: t, width: view.width, height: view.height,
                                        weights: w, loss: loss)
    }

    /// The current splats seen by any camera.
    public func render(_ camera: SplatCamera, background: [Float]) throws -> RenderedImage {
        let r = SplatRasterizer(threadCount: settings.threads, background: background)
        r.preparesBackward = false
        return try r.render(state.cloud, camera: camera, shDegree: settings.shDegree(at: max(iteration, 1)))
    }

    /// Restores a state saved by `checkpoint()` (same views, settings and strategy kind).
    public func restore(_ checkpoint: TrainerCheckpoint) throws {
        guard checkpoint.strategy == strategy.name else {
            throw SplatsError.badOptions(field: "checkpoint", reason: "was written by strategy \(checkpoint.strategy), not \(strategy.name)")
        }
        guard checkpoint.seed == settings.seed else {
            throw SplatsError.badOptions(field: "checkpoint", reason: "was written with seed \(checkpoint.seed), not \(settings.seed)")
        }
        guard checkpoint.exposures.transforms.count == views.count else {
            throw SplatsError.badOptions(field: "checkpoint", reason: "holds \(checkpoint.exposures.transforms.count) views, the data \(views.count)")
        }
        guard checkpoint.state.cloud.shDegree == settings.shDegree, checkpoint.state.cloud.count <= settings.maxSplats else {
            throw SplatsError.badOptions(field: "checkpoint", reason: "its splats do not fit the SH degree or splat cap asked for")
        }
        try strategy.restore(checkpointArrays: checkpoint.strategyArrays)
        state = checkpoint.state
        exposures = checkpoint.exposures
        iteration = checkpoint.iteration
    }

    /// Everything a resumed fit needs.
    public func checkpoint() -> TrainerCheckpoint {
        TrainerCheckpoint(iteration: iteration, seed: settings.seed, strategy: strategy.name, state: state,
                          exposures: exposures, strategyArrays: strategy.checkpointArrays)
    }
}
