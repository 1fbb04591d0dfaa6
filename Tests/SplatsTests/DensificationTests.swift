import Foundation
import Geometry
import XCTest
@testable import Splats

/// The strategies on tiny constructed clouds: each edit they make is checked by hand.
final class DensificationTests: XCTestCase {
    /// Splat 0: large (0.2 of an extent of 1) with a high gradient; 1: small with a high
    /// gradient; 2: nearly transparent; 3: ordinary with a low gradient.
    private func cloud() -> GaussianCloud {
        var c = GaussianCloud(count: 4, shDegree: 0)
        let scales: [Float] = [0.2, 0.002, 0.01, 0.01], opacities: [Float] = [0.8, 0.8, 0.001, 0.8]
        for i in 0..<4 {
            c.means[3 * i] = Float(i)
            for a in 0..<3 { c.logScales[3 * i + a] = log(scales[i]) }
            c.logScales[3 * i] = log(scales[i] * 2) // anisotropic: the largest axis is x
            c.opacityLogits[i] = log(opacities[i] / (1 - opacities[i]))
            c.sh[3 * i] = Float(i)
        }
        return c
    }

    private func context(cap: Int, iteration: Int = 500) -> DensificationContext {
        DensificationContext(iteration: iteration, totalIterations: 1000, sceneExtent: 1, maxSplats: cap,
                             meansLearningRate: 1e-4, width: 100, height: 100, rng: SeededGenerator(seed: 1))
    }

    private func observe(_ adc: AdaptiveDensityControl, _ state: inout TrainingState, _ context: inout DensificationContext) throws {
        var gradients = SplatGradients(parameters: .zeros(like: state.cloud), mean2dGradientNorms: [1e-3, 1e-3, 1e-3, 1e-7])
        try adc.postBackward(&state, gradients: &gradients, radii: [5, 5, 5, 5], context: &context)
    }

    func testAdaptiveDensityControlClonesSplitsAndPrunes() throws {
        let adc = try AdaptiveDensityControl()
        var state = TrainingState(cloud: cloud())
        var ctx = context(cap: 100)
        try observe(adc, &state, &ctx)
        try adc.afterStep(&state, context: &ctx)
        let c = state.cloud
        // Kept: 1 and 3 (0 was split, 2 pruned); added: a clone of 1, two children of 0.
        XCTAssertEqual(c.count, 5)
        XCTAssertEqual(c.sh.enumerated().filter { $0.offset % 3 == 0 }.map(\.element), [1, 3, 1, 0, 0])
        for child in [3, 4] {
            // Children shrink by 1.6 and stay near the parent (within 4 of its standard deviations).
            XCTAssertEqual(exp(c.logScales[3 * child]), 0.4 / 1.6, accuracy: 1e-5)
            XCTAssertEqual(exp(c.logScales[3 * child + 1]), 0.2 / 1.6, accuracy: 1e-5)
            XCTAssertLessThan(abs(c.means[3 * child]), 4 * 0.4)
        }
        XCTAssertNotEqual(c.means[9], c.means[12], "the two children are drawn independently")
        XCTAssertEqual(Array(c.means[6..<9]), [1, 0, 0], "the clone sits on its original")
        XCTAssertEqual(state.adam.firstMoments.count, 5)
        XCTAssertEqual(adc.gradientSums, [Float](repeating: 0, count: 5), "statistics restart after densifying")
    }

    /// At the cap nothing grows; pruning still happens.
    func testAdaptiveDensityControlKeepsTheCap() throws {
        let adc = try AdaptiveDensityControl()
        var state = TrainingState(cloud: cloud())
        var ctx = context(cap: 3)
        try observe(adc, &state, &ctx)
        try adc.afterStep(&state, context: &ctx)
        XCTAssertLessThanOrEqual(state.cloud.count, 3)
        XCTAssertFalse(state.cloud.sh.enumerated().contains { $0.offset % 3 == 0 && $0.element == 2 }, "transparent splat kept")
        // Three survive the pruning, so there is no room: nothing is cloned or split.
        XCTAssertEqual(state.cloud.count, 3)
        XCTAssertEqual(exp(state.cloud.logScales[0]), 0.4, accuracy: 1e-6, "the large splat is not split")
    }

    func testOpacityResetCapsOpacities() throws {
        var settings = AdaptiveDensityControl.Settings()
        settings.opacityResetEvery = 100
        let adc = try AdaptiveDensityControl(settings: settings)
        var state = TrainingState(cloud: cloud())
        state.adam.firstMoments.opacityLogits = [1, 1, 1, 1]
        adc.resetOpacities(&state)
        for i in 0..<4 { XCTAssertLessThanOrEqual(1 / (1 + exp(-state.cloud.opacityLogits[i])), 0.01 + 1e-6) }
        XCTAssertEqual(state.adam.firstMoments.opacityLogits, [0, 0, 0, 0])
    }

    func testMCMCRelocatesDeadSplatsAndGrowsToTheCap() throws {
        var settings = MCMCStrategy.Settings()
        settings.noiseScale = 0
        let mcmc = try MCMCStrategy(settings: settings)
        var state = TrainingState(cloud: cloud())
        state.adam.firstMoments.means = [Float](repeating: 1, count: 12)
        var rng = SeededGenerator(seed: 2)
        XCTAssertEqual(try mcmc.relocateDead(&state, rng: &rng), 1)
        let c = state.cloud
        XCTAssertEqual(c.count, 4, "relocation keeps the budget")
        // Splat 2 now copies a live splat (0, 1 or 3) and both share its opacity.
        let source = Int(c.sh[6])
        XCTAssertTrue([0, 1, 3].contains(source))
        XCTAssertEqual(Array(c.means[6..<9]), Array(c.means[3 * source..<3 * source + 3]))
        XCTAssertEqual(c.opacityLogits[2], c.opacityLogits[source])
        let shared = 1 / (1 + exp(-c.opacityLogits[2]))
        XCTAssertEqual(1 - (1 - shared) * (1 - shared), 0.8, accuracy: 1e-4, "two copies add up to the old opacity")
        XCTAssertEqual(Array(state.adam.firstMoments.means[6..<9]), [0, 0, 0], "moved splat starts afresh")

        // Growth: 5% of 40 = 2 per call, never past the cap.
        var big = TrainingState(cloud: try cloud().selecting((0..<40).map { $0 % 4 }))
        XCTAssertEqual(try mcmc.grow(&big, cap: 41, rng: &rng), 1)
        XCTAssertEqual(big.cloud.count, 41)
        XCTAssertEqual(try mcmc.grow(&big, cap: 41, rng: &rng), 0)
        XCTAssertEqual(big.adam.secondMoments.count, 41)
    }

    /// The relocation formula: one copy changes nothing; N copies of opacity o' blend to the old
    /// opacity, 1 - (1 - o')^N = o.
    func testRelocationFormula() throws {
        let mcmc = try MCMCStrategy()
        let one = mcmc.relocated(opacity: 0.6, copies: 1)
        XCTAssertEqual(one.opacity, 0.6, accuracy: 1e-6)
        XCTAssertEqual(one.scaleFactor, 1, accuracy: 1e-5)
        let four = mcmc.relocated(opacity: 0.6, copies: 4)
        XCTAssertEqual(1 - pow(1 - four.opacity, 4), 0.6, accuracy: 1e-5)
        XCTAssertLessThan(four.scaleFactor, 1)
        XCTAssertGreaterThan(four.scaleFactor, 0.3)
    }

    /// Noise moves nearly transparent splats and leaves opaque ones (almost) in place.
    func testMCMCNoiseFollowsTransparency() throws {
        let mcmc = try MCMCStrategy()
        var state = TrainingState(cloud: cloud())
        let before = state.cloud.means
        var rng = SeededGenerator(seed: 3)
        mcmc.injectNoise(&state, learningRate: 1e-3, rng: &rng)
        let moved = (0..<4).map { i in (0..<3).map { abs(state.cloud.means[3 * i + $0] - before[3 * i + $0]) }.max()! }
        XCTAssertGreaterThan(moved[2], 1e-5, "the transparent splat wanders")
        XCTAssertLessThan(moved[3], 1e-9, "opaque splats stay")
    }

    func testInitialisationFromPointsAndRandom() throws {
        // A grid of spacing 0.1: each point's three nearest neighbours are 0.1 away.
        var positions: [Float] = []
        for x in 0..<6 { for y in 0..<6 { for z in 0..<6 { positions += [Float(x) * 0.1, Float(y) * 0.1, Float(z) * 0.1] } } }
        let colours = [Float](repeating: 0.75, count: positions.count)
        let cloud = try SplatInitializer.fromPoints(positions: positions, colors: colours, shDegree: 2)
        XCTAssertEqual(cloud.count, 216)
        for i in 0..<216 { XCTAssertEqual(exp(cloud.logScales[3 * i]), 0.1, accuracy: 1e-5) }
        XCTAssertEqual(cloud.sh[0] * 0.28209479 + 0.5, 0.75, accuracy: 1e-5)
        XCTAssertEqual(cloud.sh[3], 0)
        XCTAssertEqual(1 / (1 + exp(-cloud.opacityLogits[0])), 0.1, accuracy: 1e-6)

        let cameras = try TrainerScene.cameras(count: 8, size: 32)
        var rng = SeededGenerator(seed: 1)
        let random = try SplatInitializer.random(count: 500, cameras: cameras, shDegree: 0, rng: &rng)
        XCTAssertEqual(random.count, 500)
        for i in 0..<500 {
            let p = Vec3(Double(random.means[3 * i]), Double(random.means[3 * i + 1]), Double(random.means[3 * i + 2]))
            XCTAssertTrue(cameras.contains { SplatInitializer.sees($0, p) })
        }
        var again = SeededGenerator(seed: 1)
        XCTAssertEqual(try SplatInitializer.random(count: 500, cameras: cameras, shDegree: 0, rng: &again), random)
    }

    func testCameraLayoutOfAnOrbit() throws {
        var orbit = OrbitPath(count: 12, radius: 3, elevationDegrees: 20, fieldOfViewYDegrees: 40, width: 32, height: 32)
        orbit.target = Vec3(0.5, -1, 2)
        let layout = try CameraLayout(cameras: orbit.cameras().map { try SplatCamera($0) })
        XCTAssertLessThan(length(layout.sceneCenter - orbit.target), 1e-4)
        XCTAssertEqual(layout.meanDistance, 3, accuracy: 1e-4)
        XCTAssertEqual(layout.meanElevationDegrees, 20, accuracy: 1e-3)
        XCTAssertLessThan(length(layout.up - Vec3(0, 1, 0)), 1e-4)
        XCTAssertEqual(layout.extent, 1.1 * 3 * cos(20 * .pi / 180), accuracy: 1e-3)
    }
}
