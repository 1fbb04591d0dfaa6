import CSplat
import Foundation

/// The 3DGS photometric loss of a render against its target image,
/// `(1 - ssimWeight) · L1 + ssimWeight · (1 - SSIM)` with L1 the mean absolute difference and
/// SSIM the mean over pixels and channels (11×11 Gaussian window), and its gradient with respect
/// to the render, on all cores. Optional per-pixel weights turn both means into weighted means;
/// weight 0 leaves a pixel out (a mask). Row sums are added in row order, so the result does not depend
/// on the number of threads.
public final class ImageLoss {
    public struct Value: Equatable {
        public var total: Double
        public var l1: Double
        public var ssim: Double
    }

    /// λ of the loss; 0.2 in 3DGS.
    public var ssimWeight: Float
    public var threadCount: Int
    private let scratch = ScratchBuffer<Float>()

    public init(ssimWeight: Float = 0.2, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.ssimWeight = ssimWeight
        self.threadCount = max(1, threadCount)
    }

    /// The loss, and when `gradient` is given, dLoss/d(rendered) written into it
    /// (width × height × 3, overwritten). `weights`: width × height values >= 0, or nil for all 1.
    public func evaluate(rendered: [Float], target: [Float], width: Int, height: Int, weights: [Float]? = nil,
                         gradient: UnsafeMutableBufferPointer<Float>? = nil) throws -> Value {
        let count = width * height * 3
        guard ssimWeight >= 0, ssimWeight <= 1 else {
            throw SplatsError.badOptions(field: "ssimWeight", reason: "\(ssimWeight) is not in [0, 1]")
        }
        guard width > 0, height > 0 else {
            throw SplatsError.badImage(field: "size", reason: "\(width) × \(height) is empty")
        }
        guard rendered.count == count else {
            throw SplatsError.badImage(field: "rendered", reason: "holds \(rendered.count) floats, expected \(count)")
        }
        guard target.count == count else {
            throw SplatsError.badImage(field: "target", reason: "holds \(target.count) floats, expected \(count)")
        }
        var weightSum = Double(width * height)
        if let w = weights {
            guard w.count == width * height, w.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw SplatsError.badImage(field: "weights", reason: "needs \(width * height) finite values >= 0")
            }
            weightSum = w.reduce(0.0) { $0 + Double($1) }
            guard weightSum > 0 else {
                throw SplatsError.badImage(field: "weights", reason: "every pixel has weight 0")
            }
        }
        if let g = gradient, g.count != count {
            throw SplatsError.badImage(field: "gradient", reason: "holds \(g.count) floats, expected \(count)")
        }
        scratch.reserve(csplat_ssim_scratch_floats(Int32(width), Int32(height)))
        let s = scratch.pointer, w = Int32(width), h = Int32(height), threads = threadCount
        let lambda = Double(ssimWeight), n = 3 * weightSum, stride = 3 * width
        var l1Rows = [Double](repeating: 0, count: height), ssimRows = l1Rows

        withOptionalPointer(weights) { wp in
        rendered.withUnsafeBufferPointer { x in
            target.withUnsafeBufferPointer { y in
                let xp = x.baseAddress!, yp = y.baseAddress!
                l1Rows.withUnsafeMutableBufferPointer { l1 in
                    ssimRows.withUnsafeMutableBufferPointer { sr in
                        forEachRange(height, threads: threads) { b, e in
                            for r in b..<e { l1[r] = csplat_l1_sum(xp, yp, wp, r * stride, (r + 1) * stride) }
                            csplat_ssim_blur_rows(xp, yp, w, h, s, Int32(b), Int32(e))
                        }
                        let wantGradient: Int32 = gradient == nil ? 0 : 1
                        forEachRange(height, threads: threads) { b, e in
                            for r in b..<e { sr[r] = csplat_ssim_rows(w, h, wp, s, wantGradient, Int32(r), Int32(r + 1)) }
                        }
                    }
                }
                guard let g = gradient?.baseAddress else { return }
                forEachRange(height, threads: threads) { b, e in
                    csplat_ssim_backward_blur_rows(w, h, s, Int32(b), Int32(e))
                }
                forEachRange(height, threads: threads) { b, e in
                    let begin = b * stride, end = e * stride
                    for i in begin..<end { g[i] = 0 }
                    csplat_l1_backward(xp, yp, wp, Float((1 - lambda) / n), g, begin, end)
                    csplat_ssim_backward_rows(xp, yp, w, h, s, Float(-lambda / n), g, Int32(b), Int32(e))
                }
            }
        }
        }
        let l1 = l1Rows.reduce(0, +) / n, ssim = ssimRows.reduce(0, +) / n
        return Value(total: (1 - lambda) * l1 + lambda * (1 - ssim), l1: l1, ssim: ssim)
    }
}
