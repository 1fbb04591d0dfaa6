import Foundation
import Geometry

/// What the trainer hands a densification strategy at each hook.
public struct DensificationContext {
    /// 1-based iteration being run.
    public var iteration: Int
    /// Iterations the whole fit runs (schedules that end "halfway" use it).
    public var totalIterations: Int
    /// The cameras' extent (`CameraLayout.extent`): world-size thresholds scale with it.
    public var sceneExtent: Float
    /// Hard cap on the number of splats.
    public var maxSplats: Int
    /// Position learning rate of this iteration (MCMC scales its noise by it).
    public var meansLearningRate: Float
    /// Size of the image rendered this iteration.
    public var width: Int
    public var height: Int
    /// Seeded from the fit's seed and the iteration: every random choice of a hook comes from
    /// it, so a resumed fit repeats them exactly.
    public var rng: SeededGenerator

    public init(iteration: Int, totalIterations: Int, sceneExtent: Float, maxSplats: Int, meansLearningRate: Float,
                width: Int, height: Int, rng: SeededGenerator) {
        self.iteration = iteration
        self.totalIterations = totalIterations
        self.sceneExtent = sceneExtent
        self.maxSplats = maxSplats
        self.meansLearningRate = meansLearningRate
        self.width = width
        self.height = height
        self.rng = rng
    }
}

/// How a fit adds, removes and moves splats. The trainer calls, every iteration:
/// `preBackward` before rendering; `postBackward` with the gradients (it may add regularising
/// gradients and record statistics) before the optimiser step; `afterStep` once the step is
/// applied (densify, prune, relocate; edits go through `TrainingState` so the optimiser's
/// moments stay aligned with the splats).
public protocol DensificationStrategy: AnyObject {
    /// Short name for reports and checkpoints ("adc", "mcmc").
    var name: String { get }
    func preBackward(_ state: inout TrainingState, context: inout DensificationContext) throws
    func postBackward(_ state: inout TrainingState, gradients: inout SplatGradients, radii: [Int32],
                      context: inout DensificationContext) throws
    func afterStep(_ state: inout TrainingState, context: inout DensificationContext) throws
    /// The statistics a checkpoint must keep to resume exactly.
    var checkpointArrays: [[Float]] { get }
    func restore(checkpointArrays: [[Float]]) throws
}

extension DensificationStrategy {
    public func preBackward(_ state: inout TrainingState, context: inout DensificationContext) throws {}
    public func postBackward(_ state: inout TrainingState, gradients: inout SplatGradients, radii: [Int32],
                             context: inout DensificationContext) throws {}
    public func afterStep(_ state: inout TrainingState, context: inout DensificationContext) throws {}
    public var checkpointArrays: [[Float]] { [] }
    public func restore(checkpointArrays: [[Float]]) throws {}
}

/// The splats and their optimiser state, edited together.
public struct TrainingState: Equatable {
    public var cloud: GaussianCloud
    public var adam: SplatAdam

    public init(cloud: GaussianCloud) {
        self.cloud = cloud
        adam = SplatAdam(like: cloud)
    }

    public init(cloud: GaussianCloud, adam: SplatAdam) {
        self.cloud = cloud
        self.adam = adam
    }

    /// One optimiser step on the splats.
    public mutating func applyAdam(_ gradients: GaussianCloud, rates: SplatLearningRates, threads: Int,
                                   visibleRadii: [Int32]? = nil) throws {
        try adam.apply(gradients, to: &cloud, rates: rates, threads: threads, visibleRadii: visibleRadii)
    }

    /// Keeps the splats at `indices` (in that order), with their moments.
    public mutating func keep(_ indices: [Int]) throws {
        cloud = try cloud.selecting(indices)
        adam.firstMoments = try adam.firstMoments.selecting(indices)
        adam.secondMoments = try adam.secondMoments.selecting(indices)
    }

    /// Appends splats with zero moments.
    public mutating func append(_ splats: GaussianCloud) throws {
        try cloud.append(splats)
        try adam.firstMoments.append(.zeros(like: splats))
        try adam.secondMoments.append(.zeros(like: splats))
    }

    /// Zeroes every moment of the given splats (relocated or reset splats start afresh).
    public mutating func resetMoments(_ indices: [Int]) {
        let k = cloud.shCoefficients * 3
        for m in [\SplatAdam.firstMoments, \SplatAdam.secondMoments] {
            for i in indices {
                for a in 0..<3 { adam[keyPath: m].means[3 * i + a] = 0; adam[keyPath: m].logScales[3 * i + a] = 0 }
                for a in 0..<4 { adam[keyPath: m].rotations[4 * i + a] = 0 }
                adam[keyPath: m].opacityLogits[i] = 0
                for a in 0..<k { adam[keyPath: m].sh[k * i + a] = 0 }
            }
        }
    }
}

extension SplatAdam: Equatable {
    public static func == (a: SplatAdam, b: SplatAdam) -> Bool {
        a.firstMoments == b.firstMoments && a.secondMoments == b.secondMoments && a.step == b.step
            && a.beta1 == b.beta1 && a.beta2 == b.beta2 && a.epsilon == b.epsilon
    }
}

/// Small splat maths the strategies share.
enum SplatMath {
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
    static func logit(_ p: Float) -> Float {
        let q = min(max(p, 1e-6), 1 - 1e-6)
        return log(q / (1 - q))
    }

    /// Row-major rotation matrix of splat `i`'s quaternion (normalised; identity for zero).
    static func rotation(_ cloud: GaussianCloud, _ i: Int) -> [Float] {
        var w = cloud.rotations[4 * i], x = cloud.rotations[4 * i + 1], y = cloud.rotations[4 * i + 2], z = cloud.rotations[4 * i + 3]
        let n = (w * w + x * x + y * y + z * z).squareRoot()
        if n > 0 { w /= n; x /= n; y /= n; z /= n } else { w = 1 }
        return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
    }

    /// Largest of the splat's three standard deviations.
    static func maxScale(_ cloud: GaussianCloud, _ i: Int) -> Float {
        exp(max(cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]))
    }
}
