import XCTest
@testable import Geometry

final class SVD3Tests: XCTestCase {
    func check(_ a: Mat3, file: StaticString = #filePath, line: UInt = #line) {
        let (u, s, v) = SVD3.decompose(a)
        let scale = max(a.frobeniusNorm, 1)
        assertClose(u * Mat3(diagonal: s) * v.transposed, a, 1e-12 * scale, "reconstruction", file: file, line: line)
        assertClose(u.transposed * u, .identity, 1e-12, "U orthogonal", file: file, line: line)
        assertClose(v.transposed * v, .identity, 1e-12, "V orthogonal", file: file, line: line)
        XCTAssertGreaterThanOrEqual(s.x, s.y, file: file, line: line)
        XCTAssertGreaterThanOrEqual(s.y, s.z, file: file, line: line)
        XCTAssertGreaterThanOrEqual(s.z, 0, file: file, line: line)
    }

    func testRandomMatrices() {
        var rng = SeededGenerator(seed: 50)
        for _ in 0..<300 { check(rng.mat3(10)) }
    }

    func testKnownSingularValues() {
        var rng = SeededGenerator(seed: 51)
        for values in [Vec3(5, 2, 0.5), Vec3(3, 3, 1), Vec3(1, 1, 1), Vec3(7, 1e-6, 1e-9), Vec3(4, 0, 0), Vec3(2, 1, 0)] {
            let u = rng.nextRotation().rotationMatrix, v = rng.nextRotation().rotationMatrix
            let a = u * Mat3(diagonal: values) * v.transposed
            check(a)
            let s = SVD3.decompose(a).s
            assertClose(s, values, 1e-13 * values.x)
        }
    }

    func testRankDeficientAndSpecialMatrices() {
        var rng = SeededGenerator(seed: 52)
        for _ in 0..<50 {
            // Rank 1 and rank 2 products.
            let x = rng.vec3(), y = rng.vec3(), z = rng.vec3(), w = rng.vec3()
            let rank1 = Mat3.outer(x, y)
            check(rank1)
            XCTAssertLessThan(SVD3.decompose(rank1).s.y, 1e-14 * rank1.frobeniusNorm)
            let rank2 = Mat3.outer(x, y) + Mat3.outer(z, w)
            check(rank2)
            XCTAssertLessThan(SVD3.decompose(rank2).s.z, 1e-14 * rank2.frobeniusNorm)
        }
        check(.zero)
        check(.identity)
        check(Mat3(diagonal: [-2, 3, -1]))
        check(Mat3(rows: [1, 2, 3], [2, 4, 6], [3, 6, 9]))
    }
}
