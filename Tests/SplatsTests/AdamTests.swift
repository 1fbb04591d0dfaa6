import CSplat
import Geometry
import XCTest
@testable import Splats

/// The Adam kernel against a hand-written double-precision Adam over a few steps.
final class AdamTests: XCTestCase {
    func testAdamMatchesHandWrittenReference() {
        var rng = SeededGenerator(seed: 5)
        let n = 37
        var params = (0..<n).map { _ in rng.normal(1) }, m = [Float](repeating: 0, count: n), v = m
        var beforeLastStep: Float = 0
        var refParams = params.map(Double.init), refM = [Double](repeating: 0, count: n), refV = refM
        let lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-15
        let settings = csplat_adam_settings(learning_rate: Float(lr), beta1: Float(b1), beta2: Float(b2), epsilon: Float(eps))
        for step in 1...5 {
            var grads = (0..<n).map { _ in rng.normal(0.5) }
            if step == 5 {
                grads[3] = 0 // a parameter without gradient still moves with its momentum
                beforeLastStep = params[3]
            }
            csplat_adam_step(&params, grads, &m, &v, settings, Int32(step), 0, 20)
            csplat_adam_step(&params, grads, &m, &v, settings, Int32(step), 20, n)
            for i in 0..<n {
                let g = Double(grads[i])
                refM[i] = b1 * refM[i] + (1 - b1) * g
                refV[i] = b2 * refV[i] + (1 - b2) * g * g
                let mHat = refM[i] / (1 - pow(b1, Double(step))), vHat = refV[i] / (1 - pow(b2, Double(step)))
                refParams[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
        }
        for i in 0..<n {
            XCTAssertEqual(Double(params[i]), refParams[i], accuracy: 1e-5, "parameter \(i)")
            XCTAssertEqual(Double(m[i]), refM[i], accuracy: 1e-6)
            XCTAssertEqual(Double(v[i]), refV[i], accuracy: 1e-6)
        }
        XCTAssertGreaterThan(abs(params[3] - beforeLastStep), Float(0.1 * lr))
    }
}
