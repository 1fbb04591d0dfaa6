import XCTest
@testable import Estimate
import Geometry

final class PolynomialTests: XCTestCase {
    func testRealRootsOfKnownProduct() {
        // (x − 1)(x + 2)(x − 0.5)(x − 3)(x + 7)(x² + 1): five real roots, two complex.
        var p: [Double] = [1]
        for root in [1.0, -2, 0.5, 3, -7] { p = polyMul(p, [-root, 1]) }
        p = polyMul(p, [1, 0, 1])
        let roots = realRoots(p).sorted()
        XCTAssertEqual(roots.count, 5)
        for (found, truth) in zip(roots, [-7.0, -2, 0.5, 1, 3]) { XCTAssertEqual(found, truth, accuracy: 1e-12) }
        XCTAssertEqual(realRoots([1, 0, 1]), [])
        XCTAssertEqual(realRoots([-6, 2]), [3])
    }
}

final class FivePointTests: XCTestCase {
    /// Noise-free: among the solutions there is the true E, and cheirality picks the true pose.
    func testRecoversExactPoseInManyRandomConfigurations() {
        var rng = SeededGenerator(seed: 5)
        var worstRotation = 0.0, worstTranslation = 0.0, worstResidual = 0.0
        for _ in 0..<300 {
            let scene = TwoViewScene(rng: &rng, count: 5, maxRotationDegrees: 60)
            let (r1, r2) = (scene.rays1, scene.rays2)
            let solutions = FivePoint.solve(r1, r2)
            XCTAssertFalse(solutions.isEmpty)
            for e in solutions {
                for i in 0..<5 { worstResidual = max(worstResidual, abs(dot(r2[i], e * r1[i]))) }
            }
            var bestRotation = Double.infinity, bestTranslation = Double.infinity
            for e in solutions {
                let (pose, inFront) = EssentialMatrix.recoverPose(e, r1, r2)
                guard inFront == 5 else { continue }
                let er = rotationError(pose.rotation, scene.pose.rotation)
                let et = directionError(pose.translation, scene.pose.translation)
                if er + et < bestRotation + bestTranslation { bestRotation = er; bestTranslation = et }
            }
            worstRotation = max(worstRotation, bestRotation)
            worstTranslation = max(worstTranslation, bestTranslation)
        }
        XCTAssertLessThan(worstRotation, 1e-6)
        XCTAssertLessThan(worstTranslation, 1e-6)
        XCTAssertLessThan(worstResidual, 1e-9)
        print("five-point worst rotation error \(worstRotation) rad, translation \(worstTranslation) rad")
    }

    func testEssentialCandidatesContainTruePose() {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<50 {
            let scene = TwoViewScene(rng: &rng, count: 20)
            let truth = Pose(rotation: scene.pose.rotation, translation: normalize(scene.pose.translation))
            let e = EssentialMatrix.from(truth)
            let candidates = EssentialMatrix.candidatePoses(e)
            XCTAssertEqual(candidates.count, 4)
            let (pose, inFront) = EssentialMatrix.recoverPose(e, scene.rays1, scene.rays2)
            XCTAssertEqual(inFront, 20)
            XCTAssertLessThan(rotationError(pose.rotation, truth.rotation), 1e-9)
            XCTAssertLessThan(length(pose.translation - truth.translation), 1e-9)
            // The other three candidates put some points behind a camera.
            for c in candidates where rotationError(c.rotation, truth.rotation) > 1e-6 || length(c.translation - truth.translation) > 1e-6 {
                let count = zip(scene.rays1, scene.rays2).filter { EssentialMatrix.inFrontOfBoth(c, $0, $1) }.count
                XCTAssertLessThan(count, 20)
            }
        }
    }

    func testSampsonErrorMatchesPixelOffsetForSmallPerturbation() {
        // Moving x2 perpendicular to its epipolar line by δ gives a Sampson error ≈ δ²/2…δ²
        // (the error is shared between the two images); along the line it stays 0.
        let pose = Pose(rotation: .identity, translation: Vec3(1, 0, 0))
        let e = EssentialMatrix.from(pose)
        let x1 = Vec3(0.1, 0.2, 1)
        let x2 = Vec3(0.1 + 0.25, 0.2, 1)  // point at depth 4: x shift 1/4
        XCTAssertEqual(EssentialMatrix.sampsonError(e, x1, x2), 0, accuracy: 1e-20)
        let moved = Vec3(x2.x, x2.y + 0.001, 1)
        // Horizontal epipolar lines: vertical offset 0.001 split over both images → 0.001²/2.
        XCTAssertEqual(EssentialMatrix.sampsonError(e, x1, moved), 0.001 * 0.001 / 2, accuracy: 1e-12)
    }
}

final class P3PTests: XCTestCase {
    func testRecoversExactPoseInManyRandomConfigurations() {
        var rng = SeededGenerator(seed: 3)
        var worstRotation = 0.0, worstTranslation = 0.0
        for _ in 0..<500 {
            let pose = Pose(rotation: rng.nextRotation().rotationMatrix, translation: rng.vector(3))
            let inverse = pose.inverse
            var points: [Vec3] = [], bearings: [Vec3] = []
            while points.count < 3 {
                let depth = rng.nextDouble(in: 1, 10)
                let c = Vec3(rng.nextDouble(in: -0.7, 0.7) * depth, rng.nextDouble(in: -0.7, 0.7) * depth, depth)
                points.append(inverse.apply(c))
                bearings.append(c / c.z)
            }
            let solutions = P3P.solve(bearings: bearings, points: points)
            XCTAssertFalse(solutions.isEmpty)
            XCTAssertLessThanOrEqual(solutions.count, 4)
            // Every solution explains the three observations.
            for s in solutions {
                for i in 0..<3 {
                    let c = s.apply(points[i])
                    XCTAssertGreaterThan(c.z, 0)
                    XCTAssertLessThan(directionError(c, bearings[i]), 1e-7)
                }
            }
            let best = solutions.min {
                rotationError($0.rotation, pose.rotation) < rotationError($1.rotation, pose.rotation)
            } ?? .identity
            worstRotation = max(worstRotation, rotationError(best.rotation, pose.rotation))
            worstTranslation = max(worstTranslation, length(best.center - pose.center) / max(1, length(pose.center)))
        }
        XCTAssertLessThan(worstRotation, 1e-6)
        XCTAssertLessThan(worstTranslation, 1e-6)
        print("P3P worst rotation error \(worstRotation) rad, relative centre error \(worstTranslation)")
    }
}

final class TriangulationTests: XCTestCase {
    func testExactOnNoiseFreeViews() throws {
        var rng = SeededGenerator(seed: 11)
        let intrinsics = Intrinsics(fx: 500, fy: 510, cx: 320, cy: 240)
        for _ in 0..<100 {
            let point = rng.vector(1)
            let views = 2 + rng.nextInt(below: 3)
            var cameras: [Camera] = [], pixels: [Vec2] = []
            while cameras.count < views {
                let eye = rng.nextUnitVector() * rng.nextDouble(in: 3, 6)
                let camera = Camera(width: 640, height: 480, intrinsics: intrinsics,
                                    pose: Pose(lookingFrom: eye, at: rng.vector(0.3), up: Vec3(0, -1, 0)))
                cameras.append(camera)
                pixels.append(camera.project(point).pixel)
            }
            let x = try Triangulation.triangulate(cameras: cameras, pixels: pixels, options: .init(minAngleDegrees: 0)).get()
            XCTAssertLessThan(length(x - point), 1e-9)
        }
    }

    func testRejectsSmallAnglePointsBehindAndLargeErrors() {
        let intrinsics = Intrinsics(fx: 500, fy: 500, cx: 320, cy: 240)
        let point = Vec3(0, 0, 10)
        let a = Camera(width: 640, height: 480, intrinsics: intrinsics, pose: .identity)
        let b = Camera(width: 640, height: 480, intrinsics: intrinsics, pose: Pose(rotation: .identity, translation: Vec3(-0.05, 0, 0)))
        // Baseline 0.05 at distance 10: about 0.29°.
        let pixels = [a.project(point).pixel, b.project(point).pixel]
        switch Triangulation.triangulate(cameras: [a, b], pixels: pixels) {
        case .failure(.smallAngle(let degrees)): XCTAssertEqual(degrees, 0.2865, accuracy: 0.001)
        default: XCTFail("expected a small-angle rejection")
        }
        let wide = Camera(width: 640, height: 480, intrinsics: intrinsics, pose: Pose(rotation: .identity, translation: Vec3(-2, 0, 0)))
        var noisy = [a.project(point).pixel, wide.project(point).pixel]
        noisy[1].y += 20
        if case .failure(.largeReprojectionError) = Triangulation.triangulate(cameras: [a, wide], pixels: noisy) {} else {
            XCTFail("expected a reprojection rejection")
        }
        // Point behind both cameras: rays through the mirrored pixels meet behind.
        let behind = Vec3(0.5, 0.3, -10)
        let mirrored = [intrinsics.project(-behind), intrinsics.project(-(behind + Vec3(-2, 0, 0)))]
        if case .failure(.behindCamera) = Triangulation.triangulate(cameras: [a, wide], pixels: mirrored) {} else {
            XCTFail("expected a cheirality rejection")
        }
        XCTAssertThrowsError(try TriangulationOptions(minAngleDegrees: -1).validate())
    }
}

final class HomographyTests: XCTestCase {
    func testExactFromFourAndManyPoints() throws {
        var rng = SeededGenerator(seed: 21)
        for _ in 0..<100 {
            let truth = Mat3(rows: Vec3(1, 0, 0) + rng.vector(0.3), Vec3(0, 1, 0) + rng.vector(0.3),
                             Vec3(rng.nextDouble(in: -1e-3, 1e-3), rng.nextDouble(in: -1e-3, 1e-3), 1))
            let from = (0..<4).map { _ in Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480)) }
            let to = from.map { Homography.apply(truth, $0)! }
            guard let h = Homography.fit(from: from, to: to) else { XCTFail("no fit"); continue }
            XCTAssertLessThan(h.maxAbsDifference(truth) / truth.frobeniusNorm, 1e-9)
            let more = (0..<30).map { _ in Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480)) }
            let h2 = try XCTUnwrap(Homography.fit(from: more, to: more.map { Homography.apply(truth, $0)! }))
            XCTAssertLessThan(h2.maxAbsDifference(truth) / truth.frobeniusNorm, 1e-9)
        }
        // Three collinear points of four cannot define H.
        let collinear = [Vec2(0, 0), Vec2(1, 1), Vec2(2, 2), Vec2(5, 0)]
        XCTAssertNil(Homography.fit(from: collinear, to: collinear.map { $0 * 2 }))
    }

    func testRansacFindsHomographyWithOutliers() throws {
        var rng = SeededGenerator(seed: 22)
        let truth = Mat3(rows: Vec3(0.9, 0.1, 20), Vec3(-0.08, 1.1, -10), Vec3(1e-4, -2e-4, 1))
        var from: [Vec2] = [], to: [Vec2] = [], isInlier: [Bool] = []
        for i in 0..<200 {
            let p = Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480))
            from.append(p)
            if i % 10 < 3 {
                to.append(Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480))); isInlier.append(false)
            } else {
                to.append(Homography.apply(truth, p)! + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.3); isInlier.append(true)
            }
        }
        let result = try Homography.estimate(from: from, to: to, options: RansacOptions(maxError: 2, seed: 1))
        let trueInliers = Set(isInlier.indices.filter { isInlier[$0] })
        XCTAssertGreaterThanOrEqual(Set(result.inliers).intersection(trueInliers).count, 135)
        XCTAssertLessThanOrEqual(Set(result.inliers).subtracting(trueInliers).count, 3)
        let probe = Vec2(300, 200)
        XCTAssertLessThan(length2(Homography.apply(result.homography, probe)! - Homography.apply(truth, probe)!), 0.5)
    }

    private func length2(_ v: Vec2) -> Double { (v.x * v.x + v.y * v.y).squareRoot() }
}
