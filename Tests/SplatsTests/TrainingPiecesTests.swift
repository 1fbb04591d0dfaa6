import CSplat
import Geometry
import XCTest
@testable import Splats

/// The Swift runners of the loss and Adam kernels.
final class TrainingPiecesTests: XCTestCase {
    func testImageLossMatchesReferenceAndFiniteDifferences() throws {
        let (width, height) = (21, 18)
        var rng = SeededGenerator(seed: 41)
        let x = (0..<width * height * 3).map { i in 0.5 + 0.3 * sin(Float(i) * 0.05) + rng.uniform(-0.1, 0.1) }
        let y = x.map { 0.9 * $0 + 0.05 + rng.uniform(-0.1, 0.1) }
        var results: [(ImageLoss.Value, [Float])] = []
        for threads in [1, 2] {
            var gradient = [Float](repeating: .nan, count: x.count)
            let value = try gradient.withUnsafeMutableBufferPointer { g in
                try ImageLoss(ssimWeight: 0.2, threadCount: threads).evaluate(rendered: x, target: y, width: width, height: height, gradient: g)
            }
            results.append((value, gradient))
        }
        XCTAssertEqual(results[0].0, results[1].0)
        XCTAssertEqual(results[0].1, results[1].1)
        let forwardOnly = try ImageLoss(threadCount: 2).evaluate(rendered: x, target: y, width: width, height: height)
        XCTAssertEqual(forwardOnly, results[0].0)

        let xd = x.map(Double.init), yd = y.map(Double.init), n = Double(x.count)
        func reference(_ x: [Double]) -> Double {
            let l1 = zip(x, yd).reduce(0) { $0 + abs($1.0 - $1.1) } / n
            return 0.8 * l1 + 0.2 * (1 - csplat_reference_ssim(x, yd, nil, Int32(width), Int32(height)))
        }
        XCTAssertEqual(results[0].0.total, reference(xd), accuracy: 1e-6)
        let gradient = results[0].1
        for i in stride(from: 0, to: x.count, by: 37) {
            var plus = xd, minus = xd
            plus[i] += 1e-6
            minus[i] -= 1e-6
            let fd = (reference(plus) - reference(minus)) / 2e-6
            XCTAssertEqual(Double(gradient[i]), fd, accuracy: 1e-2 * abs(fd) + 1e-8, "element \(i)")
        }
        XCTAssertThrowsError(try ImageLoss().evaluate(rendered: x, target: y, width: width + 1, height: height))

        // Masked: pixels of weight 0 neither count nor get a gradient.
        let mask = (0..<width * height).map { Float($0 % width < 10 ? 1 : 0) }
        var masked = [Float](repeating: .nan, count: x.count)
        let value = try masked.withUnsafeMutableBufferPointer { g in
            try ImageLoss(threadCount: 2).evaluate(rendered: x, target: y, width: width, height: height, weights: mask, gradient: g)
        }
        let maskD = mask.map(Double.init), kept = 3 * maskD.reduce(0, +)
        var l1 = 0.0
        for i in 0..<x.count { l1 += maskD[i / 3] * abs(xd[i] - yd[i]) }
        l1 /= kept
        let expected = 0.8 * l1 + 0.2 * (1 - csplat_reference_ssim(xd, yd, maskD, Int32(width), Int32(height)))
        XCTAssertEqual(value.total, expected, accuracy: 1e-6)
        XCTAssertTrue(masked.allSatisfy(\.isFinite))
        XCTAssertThrowsError(try ImageLoss().evaluate(rendered: x, target: y, width: width, height: height,
                                                      weights: [Float](repeating: 0, count: width * height)))
    }

    func testSplatAdamUsesEachGroupsRate() throws {
        var rng = SeededGenerator(seed: 42)
        var cloud = GaussianCloud(count: 5, shDegree: 2)
        for i in cloud.sh.indices { cloud.sh[i] = rng.normal(1) }
        var rates = SplatLearningRates()
        rates.means = 0.1; rates.logScales = 0.2; rates.rotations = 0.3; rates.opacityLogits = 0.4
        rates.shDC = 0.5; rates.shRest = 0.06
        var adam = SplatAdam(like: cloud)
        var expected = cloud
        // Reference Adam in double for two steps.
        func reference(_ p: inout [Float], _ gs: [[Float]], rate: (Int) -> Double) {
            for i in p.indices {
                var m = 0.0, v = 0.0, value = Double(p[i])
                for (t, g) in gs.enumerated() {
                    m = 0.9 * m + 0.1 * Double(g[i]); v = 0.999 * v + 0.001 * Double(g[i]) * Double(g[i])
                    let step = Double(t + 1)
                    value -= rate(i) * (m / (1 - pow(0.9, step))) / ((v / (1 - pow(0.999, step))).squareRoot() + 1e-15)
                }
                p[i] = Float(value)
            }
        }
        var steps: [GaussianCloud] = []
        for _ in 0..<2 {
            var g = GaussianCloud.zeros(like: cloud)
            for i in g.means.indices { g.means[i] = rng.normal(1) }
            for i in g.logScales.indices { g.logScales[i] = rng.normal(1) }
            for i in g.rotations.indices where i >= 4 { g.rotations[i] = rng.normal(1) } // splat 0: zero, as when culled
            for i in g.opacityLogits.indices { g.opacityLogits[i] = rng.normal(1) }
            for i in g.sh.indices { g.sh[i] = rng.normal(1) }
            try adam.apply(g, to: &cloud, rates: rates, threads: 2)
            steps.append(g)
        }
        reference(&expected.means, steps.map(\.means)) { _ in 0.1 }
        reference(&expected.logScales, steps.map(\.logScales)) { _ in 0.2 }
        reference(&expected.rotations, steps.map(\.rotations)) { _ in 0.3 }
        reference(&expected.opacityLogits, steps.map(\.opacityLogits)) { _ in 0.4 }
        reference(&expected.sh, steps.map(\.sh)) { $0 % 27 < 3 ? 0.5 : 0.06 }
        for (a, b) in [(cloud.means, expected.means), (cloud.logScales, expected.logScales), (cloud.rotations, expected.rotations),
                       (cloud.opacityLogits, expected.opacityLogits), (cloud.sh, expected.sh)] {
            for i in a.indices { XCTAssertEqual(a[i], b[i], accuracy: 1e-5) }
        }
        XCTAssertEqual(adam.step, 2)
        XCTAssertThrowsError(try adam.apply(GaussianCloud(count: 4, shDegree: 2), to: &cloud, rates: rates))
    }
}
