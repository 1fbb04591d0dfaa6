import CBLAS
import CTensor

/// Multi-head self-attention within groups of tokens. Q·Kᵀ and S·V go through BLAS, reading the
/// heads straight out of the fused qkv rows by stride; the softmax is a C kernel.
struct Attention {
    /// Which tokens attend to each other; the clip is `frames` views of `perFrame` tokens each.
    enum Axis {
        case full, spatial, temporal
    }

    let qkv: Linear
    let proj: Linear
    let heads: Int
    let width: Int

    init(_ weights: WeightSource, _ name: String, width: Int, heads: Int) throws {
        qkv = try Linear(weights, "\(name).qkv", input: width, output: 3 * width)
        proj = try Linear(weights, "\(name).proj", input: width, output: width)
        self.heads = heads
        self.width = width
    }

    /// x: [frames · perFrame, width] → same shape.
    func callAsFunction(_ x: [Float], frames: Int, perFrame: Int, axis: Axis) -> [Float] {
        let rows = frames * perFrame
        let fused = qkv(x, rows: rows)
        // Groups: where each starts (token index), how many tokens, and the token step inside it.
        let (groups, length, step): (Int, Int, Int)
        switch axis {
        case .full: (groups, length, step) = (1, rows, 1)
        case .spatial: (groups, length, step) = (frames, perFrame, 1)
        case .temporal: (groups, length, step) = (perFrame, frames, perFrame)
        }
        func start(_ g: Int) -> Int { axis == .temporal ? g : g * length }

        let d = width, dh = width / heads
        let scale = 1 / Float(dh).squareRoot()
        var out = [Float](repeating: 0, count: rows * d)
        fused.withUnsafeBufferPointer { fp in
            out.withUnsafeMutableBufferPointer { op in
                let f = fp.baseAddress!, o = op.baseAddress!
                Parallel.ranges(groups * heads, cost: length * length * dh) { pairs in
                    var scores = [Float](repeating: 0, count: length * length)
                    scores.withUnsafeMutableBufferPointer { sp in
                        let s = sp.baseAddress!
                        for pair in pairs {
                            let g = pair / heads, h = pair % heads
                            let q = f + start(g) * 3 * d + h * dh
                            let ld = Int32(3 * d * step)
                            // S = scale · Q Kᵀ  [length, length]
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(length), Int32(length), Int32(dh),
                                        scale, q, ld, q + d, ld, 0, s, Int32(length))
                            v2w_softmax_rows(s, length, length, length, 1)
                            // O = S V, written into this head's columns of the output rows.
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(length), Int32(dh), Int32(length),
                                        1, s, Int32(length), q + 2 * d, ld, 0,
                                        o + start(g) * d + h * dh, Int32(d * step))
                        }
                    }
                }
            }
        }
        return proj(out, rows: rows)
    }
}
