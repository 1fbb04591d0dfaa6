import CSolvers
import XCTest
@testable import Estimate
import Geometry

/// Chunks the solver handed out in the last `reversedChunks` run (test bookkeeping only).
nonisolated(unsafe) private var chunksSeen: Int32 = 0

/// Runs the solver's chunks one after another, last first: any dependence of one chunk on
/// another, or of the result on the order, shows up as a difference from the serial run.
private let reversedChunks: v2w_parallel_for = { count, context, task in
    chunksSeen = max(chunksSeen, count)
    for k in stride(from: count - 1, through: 0, by: -1) { task!(context, k) }
}

final class BundleChunkTests: XCTestCase {
    /// Half-pixel noise on every observation, every camera but the first two turned by up to 1°
    /// and moved, every point moved.
    private func perturb(_ problem: inout BundleProblem, rng: inout SeededGenerator) {
        for i in problem.observations.indices { problem.observations[i].pixel += Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.5 }
        for c in 2..<problem.poses.count {
            let p = problem.poses[c]
            problem.poses[c] = Pose(rotation: rng.rotation(maxDegrees: 1) * p.rotation, translation: p.translation + rng.vector(0.03))
        }
        problem.points = problem.points.map { $0 + rng.vector(0.03) }
    }

    /// A problem large enough to be split into chunks (≈ 4000 observations each), perturbed and
    /// noisy, with focal and distortion free and a partly fixed gauge camera.
    private func perturbedProblem() -> BundleProblem {
        var rng = SeededGenerator(seed: 23)
        var problem = SyntheticBundle(rng: &rng, cameras: 8, points: 1200).problem
        perturb(&problem, rng: &rng)
        problem.intrinsics.focal *= 1.03
        problem.fixGauge(first: 0, second: 1)
        return problem
    }

    private let options = BundleOptions(loss: .cauchy(scale: 1), maxIterations: 20, functionTolerance: 1e-12, refineDistortion: true)

    private func assertIdentical(_ a: BundleProblem, _ b: BundleProblem, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.intrinsics, b.intrinsics, file: file, line: line)
        XCTAssertEqual(a.points, b.points, file: file, line: line)
        for (p, q) in zip(a.poses, b.poses) {
            XCTAssertEqual(p.rotation.rowMajor, q.rotation.rowMajor, file: file, line: line)
            XCTAssertEqual(p.translation, q.translation, file: file, line: line)
        }
    }

    /// Serial, chunks in reverse order, and 1 vs 2 threads through the public entry: the same
    /// bits, and the adjustment did move the problem (it is not a no-op compared with itself).
    func testResultIndependentOfThreadsAndChunkOrder() throws {
        let start = perturbedProblem()
        var serial = start
        let summary = try BundleAdjuster.adjust(&serial, options: options, parallel: nil)
        XCTAssertLessThan(summary.finalCost, 0.5 * summary.initialCost)

        var reversed = start
        chunksSeen = 0
        let reversedSummary = try BundleAdjuster.adjust(&reversed, options: options, parallel: reversedChunks)
        XCTAssertGreaterThanOrEqual(chunksSeen, 2, "the problem must be split for this test to mean anything")
        XCTAssertEqual(summary, reversedSummary)
        assertIdentical(serial, reversed)

        var one = start, two = start
        var o1 = options, o2 = options
        o1.threads = 1; o2.threads = 2
        let s1 = try BundleAdjuster.adjust(&one, options: o1), s2 = try BundleAdjuster.adjust(&two, options: o2)
        XCTAssertEqual(s1, s2)
        assertIdentical(one, two)
        assertIdentical(serial, two)
    }

    /// Two observations of one point in one camera share a diagonal tile of the reduced system.
    /// Every observation doubled doubles the cost, gradient and Hessian, so Levenberg–Marquardt
    /// takes the same steps: after a few (not converged) the parameters must agree.
    func testRepeatedObservationsInOneCamera() throws {
        var rng = SeededGenerator(seed: 29)
        var problem = SyntheticBundle(rng: &rng, cameras: 5, points: 150).problem
        perturb(&problem, rng: &rng)
        problem.fixGauge(first: 0, second: 1)
        var doubled = problem
        doubled.observations += problem.observations
        let few = BundleOptions(loss: .squared, maxIterations: 3, functionTolerance: 0)
        let single = try BundleAdjuster.adjust(&problem, options: few), twice = try BundleAdjuster.adjust(&doubled, options: few)
        XCTAssertEqual(single.acceptedSteps, 3)
        XCTAssertEqual(twice.finalCost, 2 * single.finalCost, accuracy: 1e-9 * single.finalCost)
        XCTAssertEqual(doubled.intrinsics.focal, problem.intrinsics.focal, accuracy: 1e-7)
        for (a, b) in zip(problem.poses, doubled.poses) {
            XCTAssertLessThan(rotationError(a.rotation, b.rotation), 1e-8)
            XCTAssertLessThan(length(a.translation - b.translation), 1e-9)
        }
        for (a, b) in zip(problem.points, doubled.points) { XCTAssertLessThan(length(a - b), 1e-8) }
    }
}
