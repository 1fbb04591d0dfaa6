import XCTest
@testable import Estimate
import Geometry

final class TwoViewTests: XCTestCase {
    let k = Intrinsics(fx: 600, fy: 600, cx: 320, cy: 240)

    /// Projections of `points` into camera 1 (identity) and camera 2 (`pose`) with 0.3 px noise,
    /// 20 % of the second image's points replaced by random ones.
    func correspondences(_ points: [Vec3], _ pose: Pose, seed: UInt64) -> ([Vec2], [Vec2]) {
        var rng = SeededGenerator(seed: seed)
        var p1: [Vec2] = [], p2: [Vec2] = []
        for (i, x) in points.enumerated() {
            p1.append(k.project(x) + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.3)
            p2.append(i % 5 == 0 ? Vec2(rng.nextDouble(in: 0, 640), rng.nextDouble(in: 0, 480))
                                 : k.project(pose.apply(x)) + Vec2(rng.nextGaussian(), rng.nextGaussian()) * 0.3)
        }
        return (p1, p2)
    }

    func cloud(seed: UInt64, planar: Bool) -> [Vec3] {
        var rng = SeededGenerator(seed: seed)
        return (0..<300).map { _ in
            let depth = planar ? 5.0 : rng.nextDouble(in: 3, 9)
            let x = Vec3(rng.nextDouble(in: -0.45, 0.45) * depth, rng.nextDouble(in: -0.35, 0.35) * depth, depth)
            // A tilted plane when planar.
            return planar ? Vec3(x.x, x.y, 5 + 0.3 * x.x) : x
        }
    }

    func testClassifiesGeneralPlanarAndRotation() throws {
        let turn = Quaternion(axis: Vec3(0.1, 1, 0.05), angle: 0.12).rotationMatrix
        let cases: [(String, [Vec3], Pose, TwoViewConfiguration)] = [
            ("general", cloud(seed: 1, planar: false), Pose(rotation: turn, translation: Vec3(-0.8, 0.1, 0.1)), .general),
            ("planar", cloud(seed: 2, planar: true), Pose(rotation: turn, translation: Vec3(-0.8, 0.1, 0.1)), .planar),
            ("rotation", cloud(seed: 3, planar: false), Pose(rotation: turn, translation: .zero), .pureRotation),
        ]
        for (name, points, pose, expected) in cases {
            let (p1, p2) = correspondences(points, pose, seed: 9)
            let result = try TwoViewGeometry.analyze(points1: p1, points2: p2, intrinsics1: k, intrinsics2: k)
            print("\(name): H/E ratio \(result.homographyRatio), anisotropy \(result.homographyAnisotropy)")
            XCTAssertEqual(result.configuration, expected, name)
            if expected == .general {
                XCTAssertLessThan(rotationError(result.relativePose!.pose.rotation, turn), 0.01)
            }
        }
        let few = try TwoViewGeometry.analyze(points1: [Vec2(1, 2)], points2: [Vec2(3, 4)], intrinsics1: k, intrinsics2: k)
        XCTAssertEqual(few.configuration, .insufficient)
        XCTAssertThrowsError(try TwoViewGeometry.analyze(points1: [Vec2(.nan, 0)], points2: [Vec2(0, 0)], intrinsics1: k, intrinsics2: k)) {
            XCTAssertTrue("\($0)".contains("non-finite"))
        }
    }
}
