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
    ///
    /// `visibleRadii` nil: dense Adam (torch.optim.Adam as 3DGS runs it), every splat steps,
    /// those without gradient moving on their momentum. Given the last render's radii: the
    /// "visible" Adam of gsplat, only splats with radius > 0 step and the others keep their
    /// parameters and moments untouched (the step count, and so the bias correction, stays
    /// global). Visible Adam skips the memory traffic of splats off screen.
    public mutating func apply(_ gradients: GaussianCloud, to cloud: inout GaussianCloud,
                               rates: SplatLearningRates, threads: Int = 1, visibleRadii: [Int32]? = nil) throws {
        guard gradients.count == cloud.count, gradients.shDegree == cloud.shDegree,
              firstMoments.count == cloud.count, firstMoments.shDegree == cloud.shDegree,
              secondMoments.count == cloud.count, secondMoments.shDegree == cloud.shDegree else {
            throw SplatsError.badCloud(field: "count", reason: "gradients, moments and cloud differ in size or SH degree")
        }
        if let radii = visibleRadii, radii.count != cloud.count {
            throw SplatsError.badCloud(field: "visibleRadii", reason: "holds \(radii.count) radii for \(cloud.count) splats")
        }
        try gradients.validateLayout() // gradients may hold zero quaternions (culled splats)
        step += 1
        let t = Int32(step), b1 = beta1, b2 = beta2, eps = epsilon, splats = cloud.count
        // Runs the kernel over the rows (one per splat, `row` floats) of one group, split over
        // the cores at row boundaries so every element sees the same code whatever the split;
        // the first `head` floats of every row take `headRate` (SH: DC vs the rest).
        func run(_ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], rate: Float,
                 headRate: Float = 0, row: Int, head: Int = 0) {
            let settings = csplat_adam_settings(learning_rate: rate, beta1: b1, beta2: b2, epsilon: eps)
            p.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { g in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            let pp = p.baseAddress, gp = g.baseAddress, mp = m.baseAddress, vp = v.baseAddress
                            if let radii = visibleRadii {
                                radii.withUnsafeBufferPointer { r in
                                    forEachRange(splats, threads: threads) { b, e in
                                        csplat_adam_step_visible_rows(pp, gp, mp, vp, settings, headRate, Int32(row),
                                                                      Int32(head), t, r.baseAddress, Int32(b), Int32(e))
                                    }
                                }
                            } else if head > 0 {
                                forEachRange(splats, threads: threads) { b, e in
                                    csplat_adam_step_rows(pp, gp, mp, vp, settings, headRate, Int32(row), Int32(head), t,
                                                          b * row, e * row)
                                }
                            } else {
                                forEachRange(splats, threads: threads) { b, e in
                                    csplat_adam_step(pp, gp, mp, vp, settings, t, b * row, e * row)
                                }
                            }
                        }
                    }
                }
            }
        }
        run(&cloud.means, gradients.means, &firstMoments.means, &secondMoments.means, rate: rates.means, row: 3)
        run(&cloud.logScales, gradients.logScales, &firstMoments.logScales, &secondMoments.logScales,
            rate: rates.logScales, row: 3)
        run(&cloud.rotations, gradients.rotations, &firstMoments.rotations, &secondMoments.rotations,
            rate: rates.rotations, row: 4)
        run(&cloud.opacityLogits, gradients.opacityLogits, &firstMoments.opacityLogits, &secondMoments.opacityLogits,
            rate: rates.opacityLogits, row: 1)
        run(&cloud.sh, gradients.sh, &firstMoments.sh, &secondMoments.sh, rate: rates.shRest,
            headRate: rates.shDC, row: cloud.shCoefficients * 3, head: 3)
    }
}
