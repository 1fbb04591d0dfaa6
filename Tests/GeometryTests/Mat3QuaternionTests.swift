import XCTest
@testable import Geometry

final class Mat3QuaternionTests: XCTestCase {
    func testMat3BasicsAgainstHandValues() {
        let a = Mat3(rows: [1, 2, 3], [0, 1, 4], [5, 6, 0])
        XCTAssertEqual(a.determinant, 1, accuracy: 1e-12)
        // Hand-computed inverse of this classic example.
        let expected = Mat3(rows: [-24, 18, 5], [20, -15, -4], [-5, 4, 1])
        assertClose(a.inverse()!, expected, 1e-12)
        XCTAssertEqual(a[2, 1], 6)
        XCTAssertEqual(Mat3(columns: [1, 0, 5], [2, 1, 6], [3, 4, 0]), a)
        XCTAssertEqual(a.transposed[0, 2], 5)
        XCTAssertEqual(a * Vec3(1, 1, 1), Vec3(6, 5, 11))
        var b = a
        b[1, 2] = 7
        XCTAssertEqual(b.r1, Vec3(0, 1, 7))
    }

    func testInverseAndProductOnRandomMatrices() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<100 {
            let a = rng.mat3(3)
            guard let inv = a.inverse() else { XCTFail("random matrix reported singular"); continue }
            assertClose(a * inv, .identity, 1e-9)
            assertClose(inv * a, .identity, 1e-9)
            let v = rng.vec3()
            assertClose((a * a) * v, a * (a * v), 1e-12)
        }
        XCTAssertNil(Mat3(rows: [1, 2, 3], [2, 4, 6], [0, 1, 0]).inverse())
        XCTAssertNil(Mat3.zero.inverse())
    }

    func testSkewIsCrossProduct() {
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<20 {
            let a = rng.vec3(), b = rng.vec3()
            assertClose(Mat3.skew(a) * b, cross(a, b), 1e-15)
        }
        XCTAssertEqual(cross(Vec3(1, 0, 0), Vec3(0, 1, 0)), Vec3(0, 0, 1))
    }

    func testAxisAngleHandCase() {
        let q = Quaternion(axis: [0, 0, 1], angle: .pi / 2)
        assertClose(q.rotate([1, 0, 0]), [0, 1, 0], 1e-15)
        assertClose(q.rotationMatrix * Vec3(0, 1, 0), [-1, 0, 0], 1e-15)
        // Rotation of 90° about x sends y to z.
        assertClose(Quaternion(axis: [2, 0, 0], angle: .pi / 2).rotate([0, 1, 0]), [0, 0, 1], 1e-15)
    }

    func testQuaternionMatrixRoundTripOnRandomRotations() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<500 {
            let q = rng.nextRotation()
            let r = q.rotationMatrix
            assertRotation(r)
            let v = rng.vec3()
            assertClose(q.rotate(v), r * v, 1e-14)
            let back = Quaternion(rotation: r)
            // q and -q are the same rotation.
            let sameSign = Quaternion.dot(q, back) >= 0 ? 1.0 : -1.0
            XCTAssertEqual(back.w, sameSign * q.w, accuracy: 1e-12)
            XCTAssertEqual(back.x, sameSign * q.x, accuracy: 1e-12)
            XCTAssertEqual(back.y, sameSign * q.y, accuracy: 1e-12)
            XCTAssertEqual(back.z, sameSign * q.z, accuracy: 1e-12)
            assertClose(back.rotationMatrix, r, 1e-12)
        }
    }

    func testHalfTurnsRoundTrip() {
        var rng = SeededGenerator(seed: 4)
        var axes: [Vec3] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, -1, 1]]
        for _ in 0..<100 { axes.append(rng.nextUnitVector()) }
        for axis in axes {
            let r = Quaternion(axis: axis, angle: .pi).rotationMatrix
            let q = Quaternion(rotation: r)
            XCTAssertEqual(q.norm, 1, accuracy: 1e-14)
            XCTAssertEqual(q.w, 0, accuracy: 1e-8)
            assertClose(q.rotationMatrix, r, 1e-12)
            // Axis recovered up to sign.
            let n = normalize(axis)
            XCTAssertEqual(abs(dot(q.vector, n)), 1, accuracy: 1e-12)
        }
        // Exactly diagonal half turn matrices.
        for d in [Vec3(1, -1, -1), Vec3(-1, 1, -1), Vec3(-1, -1, 1)] {
            let r = Mat3(diagonal: d)
            assertClose(Quaternion(rotation: r).rotationMatrix, r, 1e-15)
        }
    }

    func testProductComposesRotations() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            let a = rng.nextRotation(), b = rng.nextRotation()
            assertClose((a * b).rotationMatrix, a.rotationMatrix * b.rotationMatrix, 1e-12)
            let v = rng.vec3()
            assertClose(a.conjugate.rotate(a.rotate(v)), v, 1e-14)
        }
    }

    func testAngleBetween() {
        var rng = SeededGenerator(seed: 6)
        for angle in [0.0, 1e-9, 1e-4, 0.3, 1.0, 2.5, .pi - 1e-6, .pi] {
            let base = rng.nextRotation().rotationMatrix
            let delta = Quaternion(axis: rng.nextUnitVector(), angle: angle).rotationMatrix
            let measured = Quaternion.angleBetween(base, base * delta)
            XCTAssertEqual(measured, angle, accuracy: 1e-12 + angle * 1e-10, "angle \(angle)")
        }
    }

    func testSlerp() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            let a = rng.nextRotation()
            let axis = rng.nextUnitVector()
            let b = Quaternion(axis: axis, angle: 1.2) * a
            let mid = Quaternion.slerp(a, b, 0.25)
            XCTAssertEqual(Quaternion.angleBetween(a.rotationMatrix, mid.rotationMatrix), 0.3, accuracy: 1e-12)
            XCTAssertEqual(Quaternion.angleBetween(mid.rotationMatrix, b.rotationMatrix), 0.9, accuracy: 1e-12)
            assertClose(Quaternion.slerp(a, b, 0).rotationMatrix, a.rotationMatrix, 1e-12)
            // Negated endpoint is the same rotation: slerp takes the short way.
            let negB = Quaternion(w: -b.w, x: -b.x, y: -b.y, z: -b.z)
            assertClose(Quaternion.slerp(a, negB, 0.25).rotationMatrix, mid.rotationMatrix, 1e-12)
        }
    }
}
