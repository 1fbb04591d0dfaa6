import XCTest
@testable import Geometry

final class PoseTests: XCTestCase {
    func testInverseAndComposition() {
        var rng = SeededGenerator(seed: 10)
        for _ in 0..<50 {
            let a = rng.pose(), b = rng.pose()
            let p = rng.vec3(10)
            assertClose(a.inverse.apply(a.apply(p)), p, 1e-12)
            assertClose(a.composed(with: b).apply(p), a.apply(b.apply(p)), 1e-12)
            let id = a.composed(with: a.inverse)
            assertClose(id.rotation, .identity, 1e-12)
            assertClose(id.translation, .zero, 1e-12)
            // The centre maps to the camera origin.
            assertClose(a.apply(a.center), .zero, 1e-12)
        }
    }

    func testLookingFromCentresTargetWithUpUpward() {
        var rng = SeededGenerator(seed: 11)
        let intrinsics = Intrinsics(fieldOfViewY: 50, width: 640, height: 480)
        for _ in 0..<50 {
            let eye = rng.vec3(10), target = rng.vec3(2)
            let up = rng.nextUnitVector()
            let pose = Pose(lookingFrom: eye, at: target, up: up)
            assertRotation(pose.rotation)
            assertClose(pose.center, eye, 1e-12)
            let t = pose.apply(target)
            XCTAssertGreaterThan(t.z, 0)
            assertClose(intrinsics.project(t), Vec2(320, 240), 1e-9)
            // A point displaced along `up` appears above the centre (smaller y) and not sideways.
            let forward = normalize(target - eye)
            let upPerp = normalize(up - dot(up, forward) * forward)
            guard length(up - dot(up, forward) * forward) > 0.1 else { continue }
            let above = intrinsics.project(pose.apply(target + 0.1 * upPerp))
            XCTAssertLessThan(above.y, 240 - 1)
            XCTAssertEqual(above.x, 320, accuracy: 1e-9)
        }
    }

    func testLookingFromHandCase() {
        // From +z looking at the origin with +y up: camera x = world x, camera y = -world y.
        let pose = Pose(lookingFrom: [0, 0, 5], at: .zero, up: [0, 1, 0])
        assertClose(pose.rotation, Mat3(diagonal: [1, -1, -1]), 1e-15)
        assertClose(pose.apply(.zero), [0, 0, 5], 1e-15)
        // Degenerate up (parallel to view) still yields a rotation that sees the target.
        let straightDown = Pose(lookingFrom: [0, 3, 0], at: .zero, up: [0, 1, 0])
        assertRotation(straightDown.rotation)
        assertClose(straightDown.apply(.zero), [0, 0, 3], 1e-12)
    }

    func testOpenGLIdentityHandCase() {
        let identity4: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
        let pose = Pose(openGLCameraToWorld: identity4)
        // Camera looks down world -z with y up => OpenCV world-to-camera rotation diag(1, -1, -1).
        assertClose(pose.rotation, Mat3(diagonal: [1, -1, -1]), 0)
        assertClose(pose.translation, .zero, 0)
        // A point in front of the camera (world -z) gets positive depth; world +y goes up (negative y).
        XCTAssertEqual(pose.apply([0, 0, -2]).z, 2)
        XCTAssertLessThan(pose.apply([0, 1, -2]).y, 0)

        // Translated: camera centre is the last column.
        let moved = Pose(openGLCameraToWorld: [[1, 0, 0, 1], [0, 1, 0, 2], [0, 0, 1, 3], [0, 0, 0, 1]])
        assertClose(moved.center, [1, 2, 3], 1e-15)
        assertClose(moved.translation, [-1, 2, 3], 1e-15)
    }

    func testOpenGLRoundTrip() throws {
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<50 {
            let pose = rng.pose()
            let m = pose.openGLCameraToWorld
            XCTAssertEqual(m[3], [0, 0, 0, 1])
            let back = Pose(openGLCameraToWorld: m)
            assertClose(back.rotation, pose.rotation, 1e-14)
            assertClose(back.translation, pose.translation, 1e-12)
            let checked = try Pose(checkedOpenGLCameraToWorld: m)
            assertClose(checked.rotation, pose.rotation, 1e-12)
            // The GL matrix's -z column is the OpenCV viewing direction.
            assertClose(Vec3(-m[0][2], -m[1][2], -m[2][2]), pose.rotation.r2, 1e-14)
        }
    }

    func testCheckedOpenGLRejectsBadMatrices() {
        XCTAssertThrowsError(try Pose(checkedOpenGLCameraToWorld: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
        XCTAssertThrowsError(try Pose(checkedOpenGLCameraToWorld: [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]]))
        XCTAssertThrowsError(try Pose(checkedOpenGLCameraToWorld: [[-1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]))
        XCTAssertThrowsError(try Pose(checkedOpenGLCameraToWorld: [[1, 0, 0, .nan], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]))
    }
}
