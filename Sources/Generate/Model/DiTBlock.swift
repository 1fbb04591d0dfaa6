import CTensor

/// Pre-norm transformer block with adaLN-Zero: the conditioning vector gives a shift, a scale and
/// a gate for the attention branch and for the MLP branch.
struct DiTBlock {
    let attention: Attention
    let fc1: Linear
    let fc2: Linear
    let adaLN: Linear
    let axis: Attention.Axis
    let width: Int

    init(_ weights: WeightSource, index: Int, config: DiTConfig, axis: Attention.Axis) throws {
        let name = "blocks.\(index)"
        let d = config.width
        attention = try Attention(weights, "\(name).attn", width: d, heads: config.heads)
        fc1 = try Linear(weights, "\(name).mlp.0", input: d, output: config.hidden)
        fc2 = try Linear(weights, "\(name).mlp.2", input: config.hidden, output: d)
        adaLN = try Linear(weights, "\(name).adaLN.1", input: d, output: 6 * d)
        self.axis = axis
        width = d
    }

    /// x: [frames · perFrame, width], updated in place; `condition` is SiLU(c), [width].
    func apply(_ x: inout [Float], condition: [Float], frames: Int, perFrame: Int) {
        let d = width, rows = frames * perFrame
        let mod = adaLN(condition, rows: 1)  // shift1, scale1, gate1, shift2, scale2, gate2
        mod.withUnsafeBufferPointer { m in
            let m = m.baseAddress!
            let h = Kernels.normModulate(x, rows: rows, dim: d, shift: m, scale: m + d)
            let a = attention(h, frames: frames, perFrame: perFrame, axis: axis)
            Kernels.gatedAdd(&x, a, rows: rows, dim: d, gate: m + 2 * d)

            let h2 = Kernels.normModulate(x, rows: rows, dim: d, shift: m + 3 * d, scale: m + 4 * d)
            var hidden = fc1(h2, rows: rows)
            Kernels.geluTanh(&hidden)
            Kernels.gatedAdd(&x, fc2(hidden, rows: rows), rows: rows, dim: d, gate: m + 5 * d)
        }
    }
}
