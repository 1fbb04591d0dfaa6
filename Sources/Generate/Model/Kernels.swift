import CTensor

/// Swift faces of the CTensor kernels, split over the cores by rows where it pays.
enum Kernels {
    static func silu(_ x: inout [Float]) {
        let n = x.count
        x.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            Parallel.ranges(n) { r in v2w_silu(base + r.lowerBound, r.count) }
        }
    }

    static func geluTanh(_ x: inout [Float]) {
        let n = x.count
        x.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            Parallel.ranges(n, cost: 8) { r in v2w_gelu_tanh(base + r.lowerBound, r.count) }
        }
    }

    /// LayerNorm (no affine, eps 1e-6) then x · (1 + scale) + shift, per row of [rows, dim].
    static func normModulate(_ x: [Float], rows: Int, dim: Int, shift: UnsafePointer<Float>,
                             scale: UnsafePointer<Float>) -> [Float] {
        var y = [Float](repeating: 0, count: rows * dim)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let src = xp.baseAddress!, dst = yp.baseAddress!
                Parallel.ranges(rows, cost: dim * 4) { r in
                    let offset = r.lowerBound * dim
                    v2w_layer_norm(src + offset, dst + offset, r.count, dim, 1e-6)
                    v2w_modulate(dst + offset, r.count, dim, shift, scale)
                }
            }
        }
        return y
    }

    /// x += gate ⊙ branch, row by row.
    static func gatedAdd(_ x: inout [Float], _ branch: [Float], rows: Int, dim: Int, gate: UnsafePointer<Float>) {
        x.withUnsafeMutableBufferPointer { xp in
            branch.withUnsafeBufferPointer { bp in
                v2w_gated_add(xp.baseAddress, bp.baseAddress, rows, dim, gate)
            }
        }
    }
}
