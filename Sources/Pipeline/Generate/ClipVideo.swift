import Foundation
import Media

/// `orbit.mp4`: generated views (tiny, RGBA) upscaled for viewing and laid over white.
enum ClipVideo {
    static func write(_ views: [Image], size: Int, fps: Double, to url: URL) throws {
        guard let first = views.first else { return }
        let factor = max(1, size / max(first.width, first.height))
        let writer = try VideoWriter(url: url, width: first.width * factor, height: first.height * factor, fps: fps)
        for view in views { try writer.append(upscaled(view, by: factor, over: [1, 1, 1])) }
        try writer.finish()
    }

    /// Bilinear upscaling between pixel centres (edges clamped), composited over `background`.
    static func upscaled(_ image: Image, by factor: Int, over background: [Float]) -> Image {
        let w = image.width * factor, h = image.height * factor, c = image.channels
        var out = [Float](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let sy = min(max((Double(y) + 0.5) / Double(factor) - 0.5, 0), Double(image.height - 1))
            let y0 = Int(sy), y1 = min(y0 + 1, image.height - 1), fy = Float(sy - Double(y0))
            for x in 0..<w {
                let sx = min(max((Double(x) + 0.5) / Double(factor) - 0.5, 0), Double(image.width - 1))
                let x0 = Int(sx), x1 = min(x0 + 1, image.width - 1), fx = Float(sx - Double(x0))
                // Colours weighted by alpha, so transparent black does not darken the edges.
                func sample(_ k: Int) -> Float {
                    func at(_ px: Int, _ py: Int) -> Float {
                        let base = (py * image.width + px) * c
                        return image.pixels[base + k] * (c == 4 && k < 3 ? image.pixels[base + 3] : 1)
                    }
                    let top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx
                    let bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx
                    return top * (1 - fy) + bottom * fy
                }
                let alpha: Float = c == 4 ? sample(3) : 1
                for k in 0..<3 { out[(y * w + x) * 3 + k] = min(max(sample(k) + background[k] * (1 - alpha), 0), 1) }
            }
        }
        return Image(width: w, height: h, channels: 3, pixels: out)
    }
}
