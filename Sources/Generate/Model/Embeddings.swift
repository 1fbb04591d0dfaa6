import CTensor

/// Fixed (unlearned) embeddings and the patch folding, as Tools/dit/model.py defines them.
enum Embeddings {
    /// [(views + 1) · grid², width]: sin-cos over (view, row, column) — view 0 is the input
    /// image; the view axis takes width/4 dimensions, rows and columns 3·width/8 each.
    static func positions(width: Int, views: Int, grid: Int) -> [Float] {
        let count = (views + 1) * grid * grid
        var v = [Double](), r = [Double](), c = [Double]()
        v.reserveCapacity(count); r.reserveCapacity(count); c.reserveCapacity(count)
        for view in 0...views {
            for row in 0..<grid {
                for column in 0..<grid { v.append(Double(view)); r.append(Double(row)); c.append(Double(column)) }
            }
        }
        let dv = width / 4, dr = (width - dv) / 2
        var out = [Float](repeating: 0, count: count * width)
        out.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            v2w_sincos(v, count, dv, base, width)
            v2w_sincos(r, count, dr, base + dv, width)
            v2w_sincos(c, count, dr, base + dv + dr, width)
        }
        return out
    }

    /// DiT's frequency features of the diffusion time (t · 1000, max period 10000).
    static func timestep(_ t: Float, dim: Int) -> [Float] {
        var out = [Float](repeating: 0, count: dim)
        out.withUnsafeMutableBufferPointer { v2w_timestep_features(Double(t), dim, $0.baseAddress) }
        return out
    }

    /// [n, c, h, w] images → [n · (h/p)(w/p), p·p·c] tokens.
    static func patchify(_ images: [Float], count n: Int, config: DiTConfig) -> [Float] {
        let r = config.resolution
        var tokens = [Float](repeating: 0, count: images.count)
        images.withUnsafeBufferPointer { src in
            tokens.withUnsafeMutableBufferPointer { v2w_patchify(src.baseAddress, n, config.channels, r, r, config.patch, $0.baseAddress) }
        }
        return tokens
    }

    static func unpatchify(_ tokens: [Float], count n: Int, config: DiTConfig) -> [Float] {
        let r = config.resolution
        var images = [Float](repeating: 0, count: tokens.count)
        tokens.withUnsafeBufferPointer { src in
            images.withUnsafeMutableBufferPointer { v2w_unpatchify(src.baseAddress, n, config.channels, r, r, config.patch, $0.baseAddress) }
        }
        return images
    }
}
