import XCTest
@testable import Estimate
import Geometry

final class RansacTests: XCTestCase {
    let intrinsics = Intrinsics(fx: 600, fy: 600, cx: 320, cy: 240)

    func testRelativePoseWithThirtyPercentOutliersAndNoise() throws {
        var rng = SeededGenerator(seed: 31)
        for trial in 0..<3 {
            let scene = TwoViewScene(rng: &rng, count: 300, maxRotationDegrees: 20)
            var p1: [Vec2] = [], p2: [Vec2] = [], inlier: [Bool] = []
            for (i, x) in scene.points.enumerated() {
                let a = intrinsics.project(x) + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.5
                var b = intrinsics.project(scene.pose.apply(x)) + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.5
                let outlier = i % 10 < 3
                if outlier { b = Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480)) }
                p1.append(a); p2.append(b); inlier.append(!outlier)
            }
            let result = try RelativePose.estimate(points1: p1, points2: p2, intrinsics1: intrinsics, intrinsics2: intrinsics,
                                                   options: RansacOptions(maxError: 2, seed: UInt64(trial)))
            let rotationDegrees = rotationError(result.pose.rotation, scene.pose.rotation) * 180 / .pi
            let translationDegrees = directionError(result.pose.translation, scene.pose.translation) * 180 / .pi
            XCTAssertLessThan(rotationDegrees, 0.2)
            XCTAssertLessThan(translationDegrees, 1.5)
            let truth = Set(inlier.indices.filter { inlier[$0] })
            XCTAssertGreaterThanOrEqual(Set(result.inliers).intersection(truth).count, Int(0.95 * Double(truth.count)))
            // Random outliers near their epipolar line are unavoidable, but few.
            XCTAssertLessThanOrEqual(Set(result.inliers).subtracting(truth).count, 12)
            XCTAssertLessThan(result.iterations, 2000)
        }
    }

    func testAbsolutePoseWithThirtyPercentOutliersAndNoise() throws {
        var rng = SeededGenerator(seed: 32)
        for trial in 0..<3 {
            let pose = Pose(lookingFrom: rng.nextUnitVector() * 6, at: .zero, up: Vec3(0, -1, 0))
            var pixels: [Vec2] = [], points: [Vec3] = [], inlier: [Bool] = []
            while points.count < 200 {
                let x = rng.vector(1.5)
                let projection = intrinsics.project(pose.apply(x))
                let outlier = points.count % 10 < 3
                pixels.append(outlier ? Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480))
                                      : projection + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.5)
                points.append(x); inlier.append(!outlier)
            }
            let result = try AbsolutePose.estimate(pixels: pixels, points: points, intrinsics: intrinsics,
                                                   options: RansacOptions(maxError: 2, seed: UInt64(trial)))
            XCTAssertLessThan(rotationError(result.pose.rotation, pose.rotation) * 180 / .pi, 0.2)
            XCTAssertLessThan(length(result.pose.center - pose.center), 0.05)
            let truth = Set(inlier.indices.filter { inlier[$0] })
            XCTAssertGreaterThanOrEqual(Set(result.inliers).intersection(truth).count, Int(0.95 * Double(truth.count)))
            XCTAssertLessThanOrEqual(Set(result.inliers).subtracting(truth).count, 4)
        }
    }

    func testSameSeedSameResultAndAdaptiveStop() throws {
        var rng = SeededGenerator(seed: 33)
        let scene = TwoViewScene(rng: &rng, count: 100)
        let p1 = scene.points.map { intrinsics.project($0) }
        let p2 = scene.points.map { intrinsics.project(scene.pose.apply($0)) }
        let options = RansacOptions(maxError: 1, seed: 7)
        let a = try RelativePose.estimate(points1: p1, points2: p2, intrinsics1: intrinsics, intrinsics2: intrinsics, options: options)
        let b = try RelativePose.estimate(points1: p1, points2: p2, intrinsics1: intrinsics, intrinsics2: intrinsics, options: options)
        XCTAssertEqual(a.pose, b.pose)
        XCTAssertEqual(a.inliers, b.inliers)
        // All inliers: the adaptive rule stops at the minimum.
        XCTAssertEqual(a.inliers.count, 100)
        XCTAssertEqual(a.iterations, options.minIterations)
        XCTAssertEqual(Ransac.requiredIterations(inlierRatio: 0.5, sampleSize: 5, confidence: 0.99), 146)
    }

    func testOptionsValidateNameTheField() {
        XCTAssertThrowsError(try RansacOptions(maxError: 0).validate()) { error in
            XCTAssertTrue("\(error)".contains("maxError"))
        }
        XCTAssertThrowsError(try RansacOptions(confidence: 1).validate()) { XCTAssertTrue("\($0)".contains("confidence")) }
        XCTAssertThrowsError(try RansacOptions(minIterations: 50, maxIterations: 10).validate()) {
            XCTAssertTrue("\($0)".contains("maxIterations"))
        }
        XCTAssertThrowsError(try RelativePose.estimate(points1: [Vec2(1, 1)], points2: [Vec2(1, 1)],
                                                       intrinsics1: intrinsics, intrinsics2: intrinsics)) {
            XCTAssertTrue("\($0)".contains("need at least 5"))
        }
    }
}
