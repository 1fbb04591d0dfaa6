import Media

/// One rendered view: colour, coverage and metric depth, width × height, row-major.
public struct RenderedFrame: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 3 per pixel: mean colour of the surfaces covering the pixel (not premultiplied); 0 where empty.
    public var rgb: [Float]
    /// Covered fraction of the pixel's samples, in [0, 1].
    public var alpha: [Float]
    /// Camera z (OpenCV: distance along the optical axis, scene units) averaged over the covered
    /// samples; 0 where nothing was hit.
    public var depth: [Float]

    public init(width: Int, height: Int, rgb: [Float], alpha: [Float], depth: [Float]) {
        self.width = width; self.height = height; self.rgb = rgb; self.alpha = alpha; self.depth = depth
    }

    /// RGBA (straight alpha) when `background` is nil, else RGB composited over the background.
    public func image(background: SIMD3<Float>?) -> Image {
        let n = width * height
        guard let bg = background else {
            var pixels = [Float](repeating: 0, count: 4 * n)
            for k in 0..<n {
                pixels[4 * k] = rgb[3 * k]; pixels[4 * k + 1] = rgb[3 * k + 1]; pixels[4 * k + 2] = rgb[3 * k + 2]
                pixels[4 * k + 3] = alpha[k]
            }
            return Image(width: width, height: height, channels: 4, pixels: pixels)
        }
        var pixels = [Float](repeating: 0, count: 3 * n)
        for k in 0..<n {
            let a = alpha[k]
            pixels[3 * k] = rgb[3 * k] * a + bg.x * (1 - a)
            pixels[3 * k + 1] = rgb[3 * k + 1] * a + bg.y * (1 - a)
            pixels[3 * k + 2] = rgb[3 * k + 2] * a + bg.z * (1 - a)
        }
        return Image(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Depth in millimetres as 16-bit values: 0 = no surface, depths beyond 65.535 clamp to 65535.
    public func depthMillimetres() -> [UInt16] {
        depth.map { z in
            guard z > 0 else { return 0 }
            let mm = (Double(z) * 1000).rounded()
            return UInt16(min(max(mm, 1), 65535))
        }
    }

    /// Mean of sub-frame renders (motion blur): colour averaged with alpha weights, coverage
    /// averaged; depth is taken from `depthSource` (the render at the frame's own time).
    static func blurred(_ frames: [RenderedFrame], depthSource: RenderedFrame) -> RenderedFrame {
        var out = depthSource
        let n = out.width * out.height
        let w = 1 / Float(frames.count)
        for k in 0..<n {
            var sum = SIMD3<Float>(0, 0, 0), alpha: Float = 0
            for f in frames {
                let a = f.alpha[k]
                sum += a * SIMD3(f.rgb[3 * k], f.rgb[3 * k + 1], f.rgb[3 * k + 2])
                alpha += a
            }
            let colour = alpha > 0 ? sum / alpha : SIMD3(0, 0, 0)
            out.rgb[3 * k] = colour.x; out.rgb[3 * k + 1] = colour.y; out.rgb[3 * k + 2] = colour.z
            out.alpha[k] = alpha * w
        }
        return out
    }
}
