import Media

/// The cut-out object centred in a square and scaled to the model's resolution, as the training
/// renders frame their objects (object at the origin, in the middle of the input view).
public struct FramedObject: Equatable, Sendable {
    /// size × size RGBA, straight alpha, colour 0 where transparent.
    public var image: Image
    /// The square taken from the cut-out, in its pixels (may reach past its edges: transparent there).
    public var cropX: Double
    public var cropY: Double
    public var cropSide: Double
}

public enum ObjectFraming {
    /// `fill` is the fraction of the square the object's longer bounding-box side spans: the
    /// training renders' median is 0.75 (procedural objects in the unit sphere, camera 3.2 away
    /// with a 40° field of view).
    public static func frame(_ cutout: Cutout, size: Int, fill: Double = 0.75) throws -> FramedObject {
        guard size >= 1 else { throw PipelineError.invalidOption("size", reason: "must be at least 1, got \(size)") }
        guard fill > 0, fill <= 1 else { throw PipelineError.invalidOption("fill", reason: "must be in (0, 1], got \(fill)") }
        guard let box = cutout.mask.boundingBox else {
            throw PipelineError.noObjectFound("image", reason: "the cut-out is empty")
        }
        let side = Double(max(box.x1 - box.x0, box.y1 - box.y0)) / fill
        let cx = Double(box.x0 + box.x1) / 2, cy = Double(box.y0 + box.y1) / 2
        let x0 = cx - side / 2, y0 = cy - side / 2
        let image = resample(cutout.image, x: x0, y: y0, side: side, to: size)
        return FramedObject(image: image, cropX: x0, cropY: y0, cropSide: side)
    }

    /// Area average of the square [x, x + side) × [y, y + side) into size × size pixels, with
    /// colours weighted by alpha (so transparent black does not darken the edges) and everything
    /// outside the source transparent.
    static func resample(_ source: Image, x: Double, y: Double, side: Double, to size: Int) -> Image {
        let wide = taps(start: x, side: side, count: size, limit: source.width)
        let tall = taps(start: y, side: side, count: size, limit: source.height)
        let c = source.channels
        var out = [Float](repeating: 0, count: size * size * 4)
        for (oy, rows) in tall.enumerated() {
            for (ox, columns) in wide.enumerated() {
                var sum: (r: Float, g: Float, b: Float, a: Float) = (0, 0, 0, 0)
                for (sy, wy) in rows {
                    for (sx, wx) in columns {
                        let base = (sy * source.width + sx) * c
                        let a = (c == 4 ? source.pixels[base + 3] : 1) * wx * wy
                        sum.r += a * source.pixels[base]; sum.g += a * source.pixels[base + 1]
                        sum.b += a * source.pixels[base + 2]; sum.a += a
                    }
                }
                let o = (oy * size + ox) * 4
                if sum.a > 1e-6 {
                    out[o] = sum.r / sum.a; out[o + 1] = sum.g / sum.a; out[o + 2] = sum.b / sum.a
                    out[o + 3] = min(sum.a, 1)
                }
            }
        }
        return Image(width: size, height: size, channels: 4, pixels: out)
    }

    /// For each output index along one axis: the source indices its interval overlaps and the
    /// overlap as a fraction of the interval (indices outside 0..<limit are left out: transparent).
    static func taps(start: Double, side: Double, count: Int, limit: Int) -> [[(Int, Float)]] {
        let step = side / Double(count)
        return (0..<count).map { i in
            let lo = start + Double(i) * step, hi = lo + step
            var list: [(Int, Float)] = []
            var j = Int(lo.rounded(.down))
            while Double(j) < hi {
                let overlap = min(hi, Double(j + 1)) - max(lo, Double(j))
                if j >= 0, j < limit, overlap > 0 { list.append((j, Float(overlap / step))) }
                j += 1
            }
            return list
        }
    }
}
