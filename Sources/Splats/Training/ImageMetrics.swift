import Foundation

/// Image quality of a render against its target: PSNR (dB, images in [0, 1]) and mean SSIM
/// (11×11 Gaussian window), over the pixels of weight > 0 when weights are given.
public struct ImageMetrics: Equatable {
    public var psnr: Double
    public var ssim: Double

    public init(psnr: Double, ssim: Double) {
        self.psnr = psnr
        self.ssim = ssim
    }

    /// PSNR from a mean squared error (capped at 100 dB for a perfect match).
    public static func psnr(meanSquaredError mse: Double) -> Double {
        mse > 1e-10 ? -10 * log10(mse) : 100
    }

    public static func meanSquaredError(_ a: [Float], _ b: [Float], weights: [Float]?) -> Double {
        var sum = 0.0, count = 0.0
        for p in 0..<(a.count / 3) {
            let w = Double(weights?[p] ?? 1)
            guard w > 0 else { continue }
            for c in 0..<3 {
                let d = Double(a[3 * p + c]) - Double(b[3 * p + c])
                sum += w * d * d
            }
            count += 3 * w
        }
        return count > 0 ? sum / count : 0
    }

    /// Both metrics; `loss` supplies SSIM (its λ does not matter here).
    public static func measure(rendered: [Float], target: [Float], width: Int, height: Int, weights: [Float]?,
                               loss: ImageLoss) throws -> ImageMetrics {
        let value = try loss.evaluate(rendered: rendered, target: target, width: width, height: height, weights: weights)
        return ImageMetrics(psnr: psnr(meanSquaredError: meanSquaredError(rendered, target, weights: weights)),
                            ssim: value.ssim)
    }
}
