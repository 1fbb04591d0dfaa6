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

    /// The row kernel (SH: DC rate on the first 3 floats of each row, the rest rate after) against
    /// the same hand-written Adam, over ranges that start and end inside rows.
    func testRowKernelUsesTheHeadRateOnEachRowsHead() {
        var rng = SeededGenerator(seed: 6)
        let row = 12, head = 3, n = 5 * row
        var params = (0..<n).map { _ in rng.normal(1) }, m = [Float](repeating: 0, count: n), v = m
        var refParams = params.map(Double.init), refM = [Double](repeating: 0, count: n), refV = refM
        let headLR = 0.02, restLR = 0.001, b1 = 0.9, b2 = 0.999, eps = 1e-15
        let settings = csplat_adam_settings(learning_rate: Float(restLR), beta1: Float(b1), beta2: Float(b2), epsilon: Float(eps))
        for step in 1...3 {
            let grads = (0..<n).map { _ in rng.normal(0.5) }
            for (b, e) in [(0, 7), (7, 13), (13, 36), (36, 50), (50, n)] {
                csplat_adam_step_rows(&params, grads, &m, &v, settings, Float(headLR), Int32(row), Int32(head), Int32(step), b, e)
            }
            for i in 0..<n {
                let g = Double(grads[i]), lr = i % row < head ? headLR : restLR
                refM[i] = b1 * refM[i] + (1 - b1) * g
                refV[i] = b2 * refV[i] + (1 - b2) * g * g
                let mHat = refM[i] / (1 - pow(b1, Double(step))), vHat = refV[i] / (1 - pow(b2, Double(step)))
                refParams[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
        }
        for i in 0..<n { XCTAssertEqual(Double(params[i]), refParams[i], accuracy: 1e-5, "parameter \(i)") }
    }

    /// A cloud with random parameters and gradients, and moments from two dense steps.
    private func warmedUp(seed: UInt64, count: Int) throws -> (GaussianCloud, GaussianCloud, SplatAdam) {
        var rng = SeededGenerator(seed: seed)
        func random(_ c: inout GaussianCloud) {
            for k in c.means.indices { c.means[k] = rng.normal(1) }
            for k in c.logScales.indices { c.logScales[k] = rng.normal(1) }
            for k in c.rotations.indices { c.rotations[k] = rng.normal(1) }
            for k in c.opacityLogits.indices { c.opacityLogits[k] = rng.normal(1) }
            for k in c.sh.indices { c.sh[k] = rng.normal(1) }
        }
        var cloud = GaussianCloud(count: count, shDegree: 3), grads = cloud
        random(&cloud)
        var adam = SplatAdam(like: cloud)
        for _ in 0..<2 {
            random(&grads)
            try adam.apply(grads, to: &cloud, rates: SplatLearningRates())
        }
        random(&grads)
        return (cloud, grads, adam)
    }

    /// Visible Adam: rows of visible splats step exactly as dense Adam steps them; the other
    /// splats keep their parameters and both moments bit for bit.
    func testVisibleAdamEqualsDenseOnVisibleSplatsAndLeavesTheOthers() throws {
        let (cloud, grads, adam) = try warmedUp(seed: 7, count: 41)
        let radii = (0..<41).map { Int32($0 % 3 == 0 ? 0 : $0) }
        var dense = cloud, denseAdam = adam, visible = cloud, visibleAdam = adam
        try denseAdam.apply(grads, to: &dense, rates: SplatLearningRates())
        try visibleAdam.apply(grads, to: &visible, rates: SplatLearningRates(), threads: 2, visibleRadii: radii)
        XCTAssertEqual(visibleAdam.step, denseAdam.step)
        let shRow = cloud.shCoefficients * 3
        func rows(_ c: GaussianCloud, _ i: Int) -> [[Float]] {
            [Array(c.means[3 * i..<3 * i + 3]), Array(c.logScales[3 * i..<3 * i + 3]), Array(c.rotations[4 * i..<4 * i + 4]),
             [c.opacityLogits[i]], Array(c.sh[shRow * i..<shRow * (i + 1)])]
        }
        for i in 0..<41 {
            let expected = radii[i] > 0 ? (dense, denseAdam) : (cloud, adam)
            XCTAssertEqual(rows(visible, i), rows(expected.0, i), "splat \(i)")
            XCTAssertEqual(rows(visibleAdam.firstMoments, i), rows(expected.1.firstMoments, i), "splat \(i)")
            XCTAssertEqual(rows(visibleAdam.secondMoments, i), rows(expected.1.secondMoments, i), "splat \(i)")
        }
        XCTAssertNotEqual(rows(visible, 1), rows(cloud, 1), "visible splats move")
        XCTAssertThrowsError(try visibleAdam.apply(grads, to: &visible, rates: SplatLearningRates(), visibleRadii: [1]))
    }

    /// Dense and visible Adam on two cores equal one core bit for bit (the split falls between rows).
    func testTwoCoresEqualOneCore() throws {
        let (cloud, grads, adam) = try warmedUp(seed: 8, count: 1001)
        let radii = (0..<1001).map { Int32($0 % 5) }
        for visible in [nil, radii] {
            var results: [(GaussianCloud, SplatAdam)] = []
            for threads in [1, 2] {
                var c = cloud, a = adam
                try a.apply(grads, to: &c, rates: SplatLearningRates(), threads: threads, visibleRadii: visible)
                results.append((c, a))
            }
            XCTAssertEqual(results[0].0, results[1].0)
            XCTAssertEqual(results[0].1.firstMoments, results[1].1.firstMoments)
            XCTAssertEqual(results[0].1.secondMoments, results[1].1.secondMoments)
            XCTAssertNotEqual(results[0].0, cloud)
        }
    }
}
