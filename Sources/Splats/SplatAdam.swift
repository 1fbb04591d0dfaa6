import CSplat

/// Learning rates per parameter group (3DGS defaults; the trainer scales and decays `means`).
public struct SplatLearningRates: Equatable {
    public var means: Float = 1.6e-4
    public var logScales: Float = 5e-3
    public var rotations: Float = 1e-3
    public var opacityLogits: Float = 2.5e-2
    public var shDC: Float = 2.5e-3
    /// Degree 1...3 coefficients: 1/20 of the DC rate.
    public var shRest: Float = 2.5e-3 / 20

    public init() {}
}

/// Adam over every parameter group of a `GaussianCloud` (β1 0.9, β2 0.999, ε 1e-15 as 3DGS).
/// The moments have the cloud's layout, so a densification strategy can edit them alongside the
/// splats (append, remove, reset) as long as the counts stay equal.
public struct SplatAdam {
    public var firstMoments: GaussianCloud
    public var secondMoments: GaussianCloud
    /// Steps taken so far.
    public var step: Int = 0
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-15

    public init(like cloud: GaussianCloud) {
        firstMoments = .zeros(like: cloud)
        secondMoments = .zeros(like: cloud)
    }

    /// One step: `cloud` -= Adam update of `gradients` with the group rates, on up to `threads`
    /// cores. Gradients are not scanned for NaN (a pass over every float): check the loss.
    public mutating func apply(_ gradients: GaussianCloud, to cloud: inout GaussianCloud,
                               rates: SplatLearningRates, threads: Int = 1) throws {
        guard gradients.count == cloud.count, gradients.shDegree == cloud.shDegree,
              firstMoments.count == cloud.count, firstMoments.shDegree == cloud.shDegree,
              secondMoments.count == cloud.count, secondMoments.shDegree == cloud.shDegree else {
            throw SplatsError.badCloud(field: "count", reason: "gradients, moments and cloud differ in size or SH degree")
        }
        try gradients.validateLayout() // gradients may hold zero quaternions (culled splats)
        step += 1
        let t = Int32(step), b1 = beta1, b2 = beta2, eps = epsilon
        // Runs the kernel over the elements of one group; `head` > 0: the first `head` floats of
        // every row of `row` floats take `headRate` (SH: DC vs the rest).
        func run(_ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], rate: Float,
                 headRate: Float = 0, row: Int = 1, head: Int = 0) {
            let settings = csplat_adam_settings(learning_rate: rate, beta1: b1, beta2: b2, epsilon: eps)
            let count = p.count
            p.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { g in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            let pp = p.baseAddress, gp = g.baseAddress, mp = m.baseAddress, vp = v.baseAddress
                            forEachRange(count, threads: threads) { b, e in
                                if head > 0 {
                                    csplat_adam_step_rows(pp, gp, mp, vp, settings, headRate, Int32(row), Int32(head), t, b, e)
                                } else {
                                    csplat_adam_step(pp, gp, mp, vp, settings, t, b, e)
                                }
                            }
                        }
                    }
                }
            }
        }
        run(&cloud.means, gradients.means, &firstMoments.means, &secondMoments.means, rate: rates.means)
        run(&cloud.logScales, gradients.logScales, &firstMoments.logScales, &secondMoments.logScales, rate: rates.logScales)
        run(&cloud.rotations, gradients.rotations, &firstMoments.rotations, &secondMoments.rotations, rate: rates.rotations)
        run(&cloud.opacityLogits, gradients.opacityLogits, &firstMoments.opacityLogits, &secondMoments.opacityLogits,
            rate: rates.opacityLogits)
        run(&cloud.sh, gradients.sh, &firstMoments.sh, &secondMoments.sh, rate: rates.shRest,
            headRate: rates.shDC, row: cloud.shCoefficients * 3, head: 3)
    }
}
