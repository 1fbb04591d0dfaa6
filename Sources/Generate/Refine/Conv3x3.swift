import CBLAS
import CTensor

/// A 3×3 convolution, stride 1, dilation d with zero padding d (the size is kept), weights
/// [output, input, 3, 3] as PyTorch keeps them: the image is unfolded (v2w_im2col_3x3) and
/// multiplied by the weights in one GEMM.
struct Conv3x3 {
    let input: Int
    let output: Int
    let dilation: Int
    let weight: [Float]
    let bias: [Float]

    init(_ weights: WeightSource, _ name: String, input: Int, output: Int, dilation: Int = 1) throws {
        self.input = input
        self.output = output
        self.dilation = dilation
        weight = try weights.tensor("\(name).weight", shape: [output, input, 3, 3])
        bias = try weights.tensor("\(name).bias", shape: [output])
    }

    /// x: [input, height, width] → [output, height, width]; `columns` is scratch of
    /// input · 9 · height · width floats.
    func apply(_ x: UnsafePointer<Float>, height: Int, width: Int, columns: UnsafeMutablePointer<Float>,
               into y: UnsafeMutablePointer<Float>) {
        let plane = height * width
        v2w_im2col_3x3(x, input, height, width, dilation, columns)
        for o in 0..<output { (y + o * plane).update(repeating: bias[o], count: plane) }
        weight.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(output), Int32(plane), Int32(input * 9),
                        1, w.baseAddress, Int32(input * 9), columns, Int32(plane), 1, y, Int32(plane))
        }
    }
}
