import Foundation

/// How far the picture moved between consecutive video frames: corners of the previous frame
/// tracked into the next by pyramidal Lucas–Kanade on a small grey thumbnail, and the median
/// of their displacements. Cheap enough to run on every decoded frame; used to space keyframes
/// by image motion (parallax) instead of by time.
public struct FrameMotion {
    /// Long side of the thumbnail tracked on, in pixels.
    public let longSide: Int
    private var previous: [GrayPlane]?

    public init(longSide: Int = 240) { self.longSide = max(32, longSide) }

    /// Median displacement from the previous frame as a fraction of the frame's long side; 0
    /// when nothing trackable is in view (a blank wall shows no motion); nil for the first
    /// frame and when most corners were lost (a blurred frame, a cut): the caller fills those
    /// in from the frames around.
    public mutating func next(_ image: Image) -> Double? {
        let pyramid = GrayPlane.thumbnail(image, longSide: longSide).pyramid(levels: 3)
        defer { previous = pyramid }
        guard let previous else { return nil }
        let corners = previous[0].corners(cell: 12)
        guard corners.count >= 8 else { return 0 }
        var moves: [Double] = []
        for c in corners {
            if let d = FrameMotion.track(c, from: previous, to: pyramid) { moves.append((d.x * d.x + d.y * d.y).squareRoot()) }
        }
        guard moves.count >= max(8, corners.count / 4) else { return nil }
        moves.sort()
        return moves[moves.count / 2] / Double(max(pyramid[0].width, pyramid[0].height))
    }

    /// Displacement of the point `p` of level 0, coarse to fine; nil when it leaves the
    /// picture or the patch no longer fits.
    static func track(_ p: (x: Double, y: Double), from a: [GrayPlane], to b: [GrayPlane]) -> (x: Double, y: Double)? {
        var dx = 0.0, dy = 0.0
        for level in stride(from: a.count - 1, through: 0, by: -1) {
            let s = 1.0 / Double(1 << level)
            if level < a.count - 1 { dx *= 2; dy *= 2 }
            guard let step = lucasKanade(a[level], b[level], x: p.x * s, y: p.y * s, dx: dx, dy: dy) else { return nil }
            dx = step.dx; dy = step.dy
            if level == 0 && step.residual > 0.06 { return nil }
        }
        return (dx, dy)
    }

    /// Iterative Lucas–Kanade of a 9 × 9 patch around (x, y) in `a`, starting at (dx, dy).
    static func lucasKanade(_ a: GrayPlane, _ b: GrayPlane, x: Double, y: Double, dx: Double, dy: Double)
        -> (dx: Double, dy: Double, residual: Double)? {
        let r = 4
        guard x >= Double(r + 1), y >= Double(r + 1), x < Double(a.width - r - 2), y < Double(a.height - r - 2) else { return nil }
        var gxx = 0.0, gxy = 0.0, gyy = 0.0
        var gx = [Double](), gy = [Double](), values = [Double]()
        gx.reserveCapacity(81); gy.reserveCapacity(81); values.reserveCapacity(81)
        for v in -r...r { for u in -r...r {
            let px = x + Double(u), py = y + Double(v)
            let ix = (a.sample(px + 1, py) - a.sample(px - 1, py)) / 2, iy = (a.sample(px, py + 1) - a.sample(px, py - 1)) / 2
            gx.append(ix); gy.append(iy); values.append(a.sample(px, py))
            gxx += ix * ix; gxy += ix * iy; gyy += iy * iy
        } }
        let det = gxx * gyy - gxy * gxy
        guard det > 1e-9 else { return nil }
        var dx = dx, dy = dy, residual = 0.0
        for _ in 0..<10 {
            guard x + dx >= Double(r + 1), y + dy >= Double(r + 1), x + dx < Double(b.width - r - 2), y + dy < Double(b.height - r - 2) else { return nil }
            var bx = 0.0, by = 0.0, sum = 0.0, k = 0
            for v in -r...r { for u in -r...r {
                let e = b.sample(x + dx + Double(u), y + dy + Double(v)) - values[k]
                bx += e * gx[k]; by += e * gy[k]; sum += abs(e)
                k += 1
            } }
            residual = sum / Double(k)
            let ux = -(gyy * bx - gxy * by) / det, uy = -(gxx * by - gxy * bx) / det
            dx += ux; dy += uy
            if ux * ux + uy * uy < 1e-4 { break }
        }
        return (dx, dy, residual)
    }
}

/// A single-channel float image for the tracker.
struct GrayPlane {
    let width: Int, height: Int
    var pixels: [Float]

    /// Box-averaged luma so that the long side is at most `longSide`.
    static func thumbnail(_ image: Image, longSide: Int) -> GrayPlane {
        let gray = image.gray()
        let factor = max(1, Int((Double(max(image.width, image.height)) / Double(longSide)).rounded(.up)))
        let w = max(1, image.width / factor), h = max(1, image.height / factor)
        var out = [Float](repeating: 0, count: w * h)
        let scale = 1 / Float(factor * factor)
        for y in 0..<h { for x in 0..<w {
            var s: Float = 0
            for v in 0..<factor { let row = (y * factor + v) * image.width + x * factor; for u in 0..<factor { s += gray[row + u] } }
            out[y * w + x] = s * scale
        } }
        return GrayPlane(width: w, height: h, pixels: out)
    }

    /// This plane and `levels − 1` halvings (2 × 2 averages).
    func pyramid(levels: Int) -> [GrayPlane] {
        var result = [self]
        while result.count < levels, let last = result.last, last.width >= 32, last.height >= 32 {
            let w = last.width / 2, h = last.height / 2
            var out = [Float](repeating: 0, count: w * h)
            for y in 0..<h { for x in 0..<w {
                let i = 2 * y * last.width + 2 * x
                out[y * w + x] = 0.25 * (last.pixels[i] + last.pixels[i + 1] + last.pixels[i + last.width] + last.pixels[i + last.width + 1])
            } }
            result.append(GrayPlane(width: w, height: h, pixels: out))
        }
        return result
    }

    /// Bilinear sample at pixel coordinates (pixel (i, j) at (i, j)), clamped to the border.
    func sample(_ x: Double, _ y: Double) -> Double {
        let cx = min(max(x, 0), Double(width - 1)), cy = min(max(y, 0), Double(height - 1))
        let x0 = min(Int(cx), width - 2), y0 = min(Int(cy), height - 2)
        let fx = Float(cx - Double(x0)), fy = Float(cy - Double(y0))
        let i = y0 * width + x0
        let top = pixels[i] + fx * (pixels[i + 1] - pixels[i])
        let bottom = pixels[i + width] + fx * (pixels[i + width + 1] - pixels[i + width])
        return Double(top + fy * (bottom - top))
    }

    /// The strongest Shi–Tomasi corner of each `cell` × `cell` block, where it is clearly a
    /// corner (smaller structure-tensor eigenvalue above a floor that ignores sensor noise).
    func corners(cell: Int) -> [(x: Double, y: Double)] {
        var result: [(x: Double, y: Double)] = []
        let margin = 6
        var by = margin
        while by + cell <= height - margin {
            var bx = margin
            while bx + cell <= width - margin {
                var best = 0.0, bestX = 0, bestY = 0
                for y in by..<(by + cell) where y % 2 == 0 { for x in bx..<(bx + cell) where x % 2 == 0 {
                    var xx = 0.0, xy = 0.0, yy = 0.0
                    for v in -2...2 { for u in -2...2 {
                        let i = (y + v) * width + x + u
                        let ix = Double(pixels[i + 1] - pixels[i - 1]) / 2, iy = Double(pixels[i + width] - pixels[i - width]) / 2
                        xx += ix * ix; xy += ix * iy; yy += iy * iy
                    } }
                    let minEigen = (xx + yy) / 2 - (((xx - yy) / 2) * ((xx - yy) / 2) + xy * xy).squareRoot()
                    if minEigen > best { best = minEigen; bestX = x; bestY = y }
                }
                }
                if best > 1e-3 { result.append((Double(bestX), Double(bestY))) }
                bx += cell
            }
            by += cell
        }
        return result
    }
}
