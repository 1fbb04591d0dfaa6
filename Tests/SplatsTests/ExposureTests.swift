import Geometry
import XCTest
@testable import Splats

/// The exposure transform's backward against central finite differences of a loss through it.
final class ExposureTests: XCTestCase {
    func testGradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 7)
        let (width, height) = (24, 20)
        let color = (0..<(3 * width * height)).map { _ in rng.uniform(0.05, 0.95) }
        let target = (0..<(3 * width * height)).map { _ in rng.uniform(0, 1) }
        var transform = ExposureTransform.identity
        for k in 0..<12 { transform.parameters[k] += rng.normal(0.1) }
        // Pure SSIM (λ = 1) is smooth, so central differences are accurate.
        let loss = ImageLoss(ssimWeight: 1, threadCount: 1)
        func value(_ t: ExposureTransform, _ c: [Float]) throws -> Double {
            var out: [Float] = []
            t.apply(c, into: &out)
            return try loss.evaluate(rendered: out, target: target, width: width, height: height).total
        }
        var out: [Float] = []
        transform.apply(color, into: &out)
        var gradient = [Float](repeating: 0, count: out.count)
        _ = try gradient.withUnsafeMutableBufferPointer { g in
            try loss.evaluate(rendered: out, target: target, width: width, height: height, gradient: g)
        }
        let dParameters = transform.backward(color: color, gradient: &gradient)

        let h: Float = 1e-2
        for k in 0..<12 {
            var plus = transform, minus = transform
            plus.parameters[k] += h
            minus.parameters[k] -= h
            let numeric = (try value(plus, color) - value(minus, color)) / Double(2 * h)
            let error = abs(Double(dParameters[k]) - numeric) / max(abs(numeric), 1e-3)
            XCTAssertLessThan(error, 1e-2, "parameter \(k): analytic \(dParameters[k]) numeric \(numeric)")
        }
        // dL/d(colour) = Mᵀ dL/d(out), checked on a few pixels.
        for i in [0, 7, 301, 3 * width * height - 1] {
            var plus = color, minus = color
            plus[i] += h
            minus[i] -= h
            let numeric = (try value(transform, plus) - value(transform, minus)) / Double(2 * h)
            let error = abs(Double(gradient[i]) - numeric) / max(abs(numeric), 1e-4)
            XCTAssertLessThan(error, 2e-2, "colour \(i): analytic \(gradient[i]) numeric \(numeric)")
        }
    }

    /// The starting transform changes nothing.
    func testIdentityLeavesColoursAlone() {
        let colour: [Float] = [0.1, 0.5, 0.9, 0.3, 0.2, 0.7]
        var out: [Float] = []
        ExposureTransform.identity.apply(colour, into: &out)
        XCTAssertEqual(out, colour)
    }
}
