import CSplat
import Geometry
import XCTest
@testable import Splats

/// L1 and SSIM kernels: values against plain references, gradients against central finite
/// differences of the double-precision reference.
final class LossTests: XCTestCase {
    private func images(width: Int, height: Int, seed: UInt64) -> ([Float], [Float]) {
        var rng = SeededGenerator(seed: seed)
        // A smooth pattern plus noise, and a distorted copy: SSIM well inside (0, 1).
        var x = [Float](), y = [Float]()
        for py in 0..<height {
            for px in 0..<width {
                for ch in 0..<3 {
                    let base = 0.5 + 0.3 * sin(Float(px) * 0.4 + Float(ch)) * cos(Float(py) * 0.3)
                    x.append(base + rng.uniform(-0.1, 0.1))
                    y.append(0.8 * base + 0.1 + rng.uniform(-0.15, 0.15))
                }
            }
        }
        return (x, y)
    }

    func testL1ValueAndGradient() {
        let (x, y) = images(width: 9, height: 7, seed: 1)
        let sum = csplat_l1_sum(x, y, nil, 0, 40) + csplat_l1_sum(x, y, nil, 40, x.count)
        XCTAssertEqual(sum, zip(x, y).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) }, accuracy: 1e-9)
        var grad = [Float](repeating: 0.25, count: x.count)
        csplat_l1_backward(x, y, nil, 0.5, &grad, 0, x.count)
        for i in 0..<x.count {
            // d|x - y|/dx by central differences in double (no element sits at x = y).
            let d = Double(x[i]) - Double(y[i]), h = 1e-6
            let fd = (abs(d + h) - abs(d - h)) / (2 * h)
            XCTAssertEqual(Double(grad[i]), 0.25 + 0.5 * fd, accuracy: 1e-6)
        }
        // Per-pixel weights scale each pixel's three terms.
        let weights = (0..<63).map { Float($0 % 4) / 3 }
        var expected = 0.0
        for i in 0..<x.count {
            let d: Double = Double(x[i]) - Double(y[i])
            expected += Double(weights[i / 3]) * abs(d)
        }
        XCTAssertEqual(csplat_l1_sum(x, y, weights, 0, x.count), expected, accuracy: 1e-6)
        var weighted = [Float](repeating: 0, count: x.count)
        csplat_l1_backward(x, y, weights, 2, &weighted, 0, x.count)
        for i in 0..<x.count { XCTAssertEqual(weighted[i], 2 * weights[i / 3] * (x[i] > y[i] ? 1 : -1)) }
    }

    private func fastSSIM(_ x: [Float], _ y: [Float], width: Int, height: Int, weights: [Float]? = nil,
                          scale: Float, grad: inout [Float], rowsPerCall: Int) -> Double {
        var scratch = [Float](repeating: .nan, count: csplat_ssim_scratch_floats(Int32(width), Int32(height)))
        let ranges = stride(from: 0, to: height, by: rowsPerCall).map { (Int32($0), Int32(min(height, $0 + rowsPerCall))) }
        let w = Int32(width), h = Int32(height)
        for (b, e) in ranges { csplat_ssim_blur_rows(x, y, w, h, &scratch, b, e) }
        var sum = 0.0
        withOptionalPointer(weights) { wp in
            for (b, e) in ranges { sum += csplat_ssim_rows(w, h, wp, &scratch, 1, b, e) }
        }
        for (b, e) in ranges { csplat_ssim_backward_blur_rows(w, h, &scratch, b, e) }
        for (b, e) in ranges { csplat_ssim_backward_rows(x, y, w, h, scratch, scale, &grad, b, e) }
        return sum / (3 * (weights?.reduce(0.0) { $0 + Double($1) } ?? Double(width * height)))
    }

    func testSSIMMatchesDirectWindows() {
        let (width, height) = (23, 17)
        let (x, y) = images(width: width, height: height, seed: 2)
        var grad = [Float](repeating: 0, count: x.count)
        let fast = fastSSIM(x, y, width: width, height: height, scale: 1, grad: &grad, rowsPerCall: 5)
        let reference = csplat_reference_ssim(x.map(Double.init), y.map(Double.init), nil, Int32(width), Int32(height))
        XCTAssertEqual(fast, reference, accuracy: 1e-5)
        XCTAssertGreaterThan(reference, 0.2)
        XCTAssertLessThan(reference, 0.9)
        XCTAssertEqual(csplat_reference_ssim(x.map(Double.init), x.map(Double.init), nil, Int32(width), Int32(height)), 1, accuracy: 1e-12)
    }

    func testSSIMGradientMatchesFiniteDifferences() {
        checkSSIMGradient(weights: nil)
    }

    /// A mask (zeros) and soft weights: only the weighted pixels' SSIM counts.
    func testWeightedSSIMMatchesReferenceAndFiniteDifferences() {
        let (width, height) = (20, 14)
        let weights = (0..<width * height).map { i -> Float in i % width < 7 ? 0 : (i % 3 == 0 ? 0.5 : 1) }
        let (x, y) = images(width: width, height: height, seed: 3)
        var grad = [Float](repeating: 0, count: x.count)
        let fast = fastSSIM(x, y, width: width, height: height, weights: weights, scale: 1, grad: &grad, rowsPerCall: 4)
        let reference = csplat_reference_ssim(x.map(Double.init), y.map(Double.init), weights.map(Double.init),
                                              Int32(width), Int32(height))
        XCTAssertEqual(fast, reference, accuracy: 1e-5)
        checkSSIMGradient(weights: weights)
    }

    private func checkSSIMGradient(weights: [Float]?) {
        let (width, height) = (20, 14)
        let (x, y) = images(width: width, height: height, seed: 3)
        let n = 3 * (weights?.reduce(0.0) { $0 + Double($1) } ?? Double(width * height))
        var grad = [Float](repeating: 0, count: x.count)
        // Loss 1 - mean SSIM: scale -1/N on d(Σ w SSIM)/dx.
        _ = fastSSIM(x, y, width: width, height: height, weights: weights, scale: Float(-1 / n), grad: &grad, rowsPerCall: 3)
        let xd = x.map(Double.init), yd = y.map(Double.init), wd = weights?.map(Double.init)
        var rng = SeededGenerator(seed: 9)
        // Corners, edges and random interior elements.
        var indices = [0, 1, 2, 3 * (width - 1), 3 * width * (height - 1) + 2, x.count - 1, 3 * (width * 5 + 5) + 1]
        for _ in 0..<60 { indices.append(Int.random(in: 0..<x.count, using: &rng)) }
        let scale = grad.map { abs(Double($0)) }.max()!
        for i in indices {
            var plus = xd, minus = xd
            plus[i] += 1e-6
            minus[i] -= 1e-6
            let fd = -(csplat_reference_ssim(plus, yd, wd, Int32(width), Int32(height)) -
                csplat_reference_ssim(minus, yd, wd, Int32(width), Int32(height))) / 2e-6
            let error = abs(Double(grad[i]) - fd) / max(abs(fd), 1e-3 * scale)
            XCTAssertLessThan(error, 1e-2, "element \(i): backward \(grad[i]), finite difference \(fd)")
        }
    }
}
