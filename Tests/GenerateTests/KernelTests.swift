import CFastMath
import CTensor
import XCTest
@testable import Generate

/// The C kernels against plain Swift references written the obvious way.
final class KernelTests: XCTestCase {
    func testLayerNormModulateMatchesReference() {
        var g = SplitRandom(seed: 1)
        let rows = 5, dim = 32
        let x = (0..<rows * dim).map { _ in g.next() * 3 + 1 }
        let shift = (0..<dim).map { _ in g.next() }, scale = (0..<dim).map { _ in g.next() }
        let y = Kernels.normModulate(x, rows: rows, dim: dim, shift: shift, scale: scale)
        for r in 0..<rows {
            let row = x[r * dim..<(r + 1) * dim].map(Double.init)
            let mean = row.reduce(0, +) / Double(dim)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(dim)
            for i in 0..<dim {
                let expected = (row[i] - mean) / (variance + 1e-6).squareRoot() * (1 + Double(scale[i])) + Double(shift[i])
                XCTAssertEqual(Double(y[r * dim + i]), expected, accuracy: 1e-5)
            }
        }
    }

    func testSoftmaxRowsSumToOneAndMatchReference() {
        var s: [Float] = [1, 2, 3, 0, -1000, 5, 5, 5]
        v2w_softmax_rows(&s, 2, 3, 4, 0.5)  // rows of 3 with stride 4: the 4th value is left alone
        let e = [exp(0.5 * -2.0), exp(0.5 * -1.0), 1.0], sum = e.reduce(0, +)
        for i in 0..<3 { XCTAssertEqual(Double(s[i]), e[i] / sum, accuracy: 1e-6) }
        XCTAssertEqual(s[3], 0)
        XCTAssertEqual(s[4], 0, accuracy: 1e-12)
        XCTAssertEqual(s[5], 0.5, accuracy: 1e-6)
    }

    /// The shared exponential (CFastMath, also under the splat kernels) within 2.5e-7 of exp where
    /// e^x is a normal float, and clamped beyond.
    func testFastExponentialMatchesExp() {
        for k in -8700...8800 {
            let x = Double(k) / 100
            let relative = abs(Double(v2w_exp_function(Float(x))) - exp(Double(Float(x)))) / exp(Double(Float(x)))
            XCTAssertLessThan(relative, 2.5e-7, "exp(\(x))")
        }
        XCTAssertEqual(v2w_exp_function(-1000), v2w_exp_function(-87))
        XCTAssertEqual(v2w_exp_function(1000), v2w_exp_function(88))
        XCTAssertTrue(v2w_exp_function(88).isFinite)
    }

    /// Over a dense range and at the extremes (the kernels use their own exponential, not libm's).
    func testActivationsMatchFormulas() {
        let values: [Float] = [-1e6, -200, -90, -40, -4, -1, -0.1, 0, 0.3, 2, 6, 40, 90, 200, 1e6]
            + (-1500...1500).map { Float($0) / 100 }
        var silu = values, gelu = values
        Kernels.silu(&silu)
        Kernels.geluTanh(&gelu)
        for (i, v) in values.enumerated() {
            let d = Double(v)
            let tolerance = 1e-6 * max(1, abs(d))
            XCTAssertEqual(Double(silu[i]), d / (1 + exp(-d)), accuracy: tolerance, "silu(\(v))")
            XCTAssertEqual(Double(gelu[i]), 0.5 * d * (1 + tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))),
                           accuracy: tolerance, "gelu(\(v))")
        }
    }

    func testPatchifyRoundTripsAndOrdersRowColumnChannel() {
        var c = DiTConfig()
        c.resolution = 4; c.patch = 2; c.channels = 3
        let images = (0..<(2 * 3 * 4 * 4)).map(Float.init)  // [2, 3, 4, 4]
        let tokens = Embeddings.patchify(images, count: 2, config: c)
        // Token 1 of image 0 is the patch at row 0, column 1; its element 1 is (py 0, px 0, channel 1).
        XCTAssertEqual(tokens[1 * 12 + 1], images[(0 * 3 + 1) * 16 + 0 * 4 + 2])
        // Token 6 is image 1, patch row 1, column 0; element (py 1, px 1, channel 2) is index 11.
        XCTAssertEqual(tokens[6 * 12 + 11], images[(1 * 3 + 2) * 16 + 3 * 4 + 1])
        XCTAssertEqual(Embeddings.unpatchify(tokens, count: 2, config: c), images)
    }

    func testPositionEmbeddingLayout() {
        let width = 32, views = 2, grid = 3
        let p = Embeddings.positions(width: width, views: views, grid: grid)
        XCTAssertEqual(p.count, (views + 1) * grid * grid * width)
        // Token (view 2, row 1, column 2): the view part is sin/cos of 2·ω_k over 8 dims, rows over 12, columns over 12.
        let token = (2 * grid + 1) * grid + 2
        func sincos(_ pos: Double, _ dim: Int, _ i: Int) -> Double {
            let half = dim / 2, k = i % half
            let a = pos / pow(10000, Double(k) / Double(half))
            return i < half ? sin(a) : cos(a)
        }
        for i in 0..<8 { XCTAssertEqual(Double(p[token * width + i]), sincos(2, 8, i), accuracy: 1e-6) }
        for i in 0..<12 { XCTAssertEqual(Double(p[token * width + 8 + i]), sincos(1, 12, i), accuracy: 1e-6) }
        for i in 0..<12 { XCTAssertEqual(Double(p[token * width + 20 + i]), sincos(2, 12, i), accuracy: 1e-6) }
    }

    func testAttentionMatchesNaiveReference() throws {
        // A random attention layer, run through every axis, against a triple loop.
        var g = SplitRandom(seed: 5)
        let width = 16, heads = 2, frames = 3, per = 4, rows = frames * per
        let tensors: [String: [Float]] = [
            "a.qkv.weight": (0..<3 * width * width).map { _ in g.next() * 0.3 },
            "a.qkv.bias": (0..<3 * width).map { _ in g.next() * 0.1 },
            "a.proj.weight": (0..<width * width).map { _ in g.next() * 0.3 },
            "a.proj.bias": (0..<width).map { _ in g.next() * 0.1 },
        ]
        let attention = try Attention(WeightSource(try memoryFile(tensors)), "a", width: width, heads: heads)
        let x = (0..<rows * width).map { _ in g.next() }
        let qkv = naiveLinear(x, tensors["a.qkv.weight"]!, tensors["a.qkv.bias"]!, rows: rows, input: width)
        for axis in [Attention.Axis.full, .spatial, .temporal] {
            let fast = attention(x, frames: frames, perFrame: per, axis: axis)
            var mixed = [Float](repeating: 0, count: rows * width)
            let dh = width / heads
            for i in 0..<rows {
                let partners = (0..<rows).filter { j in
                    switch axis {
                    case .full: return true
                    case .spatial: return j / per == i / per
                    case .temporal: return j % per == i % per
                    }
                }
                for h in 0..<heads {
                    let scores = partners.map { j -> Double in
                        (0..<dh).reduce(0.0) { $0 + Double(qkv[i * 3 * width + h * dh + $1] * qkv[j * 3 * width + width + h * dh + $1]) }
                            / Double(dh).squareRoot()
                    }
                    let m = scores.max()!, e = scores.map { exp($0 - m) }, sum = e.reduce(0, +)
                    for k in 0..<dh {
                        mixed[i * width + h * dh + k] = Float(zip(partners, e).reduce(0.0) {
                            $0 + $1.1 / sum * Double(qkv[$1.0 * 3 * width + 2 * width + h * dh + k])
                        })
                    }
                }
            }
            let slow = naiveLinear(mixed, tensors["a.proj.weight"]!, tensors["a.proj.bias"]!, rows: rows, input: width)
            XCTAssertLessThan(maxAbsDifference(fast, slow), 1e-5, "axis \(axis)")
        }
    }

    private func naiveLinear(_ x: [Float], _ w: [Float], _ b: [Float], rows: Int, input: Int) -> [Float] {
        let output = b.count
        var y = [Float](repeating: 0, count: rows * output)
        for r in 0..<rows {
            for o in 0..<output {
                y[r * output + o] = b[o] + Float((0..<input).reduce(0.0) { $0 + Double(x[r * input + $1] * w[o * input + $1]) })
            }
        }
        return y
    }

    /// Writes F32 tensors to a temporary safetensors file and opens it.
    private func memoryFile(_ tensors: [String: [Float]]) throws -> SafeTensorsFile {
        var header: [String] = [], data: [UInt8] = []
        for (name, values) in tensors.sorted(by: { $0.key < $1.key }) {
            let shape = name.hasSuffix("weight") ? "[\(values.count / 16), 16]" : "[\(values.count)]"
            header.append("\"\(name)\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(data.count), \(data.count + 4 * values.count)]}")
            data += floatBytes(values)
        }
        let url = try makeTemporaryDirectory().appendingPathComponent("w.safetensors")
        try writeSafeTensors(header: "{" + header.joined(separator: ", ") + "}", data: data, to: url)
        return try SafeTensorsFile(url: url)
    }
}

/// Small deterministic uniform numbers in [-1, 1) for kernel tests.
struct SplitRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24) * 2 - 1
    }
}
