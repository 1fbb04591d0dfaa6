import CBLAS
import CTensor

/// y = x Wᵀ + b, with W stored [output, input] as PyTorch keeps it; the product goes through BLAS.
struct Linear {
    let input: Int
    let output: Int
    let weight: [Float]
    let bias: [Float]

    init(_ weights: WeightSource, _ name: String, input: Int, output: Int) throws {
        self.input = input
        self.output = output
        weight = try weights.tensor("\(name).weight", shape: [output, input])
        bias = try weights.tensor("\(name).bias", shape: [output])
    }

    /// x: [rows, input] → [rows, output].
    func callAsFunction(_ x: [Float], rows: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * output)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                bias.withUnsafeBufferPointer { v2w_fill_rows(yp.baseAddress, rows, output, $0.baseAddress) }
                weight.withUnsafeBufferPointer { wp in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(output), Int32(input),
                                1, xp.baseAddress, Int32(input), wp.baseAddress, Int32(input), 1, yp.baseAddress, Int32(output))
                }
            }
        }
        return y
    }
}

/// Linear → SiLU → Linear, the embedders' MLP.
struct MLPEmbedder {
    let first: Linear
    let second: Linear

    init(_ weights: WeightSource, _ name: String, input: Int, width: Int) throws {
        first = try Linear(weights, "\(name).0", input: input, output: width)
        second = try Linear(weights, "\(name).2", input: width, output: width)
    }

    func callAsFunction(_ x: [Float], rows: Int) -> [Float] {
        var h = first(x, rows: rows)
        Kernels.silu(&h)
        return second(h, rows: rows)
    }
}
