import XCTest
@testable import Geometry

/// Largest absolute component difference between two vectors.
func maxDiff(_ a: Vec3, _ b: Vec3) -> Double { max(abs(a.x - b.x), abs(a.y - b.y), abs(a.z - b.z)) }
func maxDiff(_ a: Vec2, _ b: Vec2) -> Double { max(abs(a.x - b.x), abs(a.y - b.y)) }

func assertClose(_ a: Vec3, _ b: Vec3, _ tol: Double, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(maxDiff(a, b), tol, "\(a) vs \(b) \(message)", file: file, line: line)
}

func assertClose(_ a: Vec2, _ b: Vec2, _ tol: Double, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(maxDiff(a, b), tol, "\(a) vs \(b) \(message)", file: file, line: line)
}

func assertClose(_ a: Mat3, _ b: Mat3, _ tol: Double, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(a.maxAbsDifference(b), tol, "\(a) vs \(b) \(message)", file: file, line: line)
}

/// Checks RᵀR = I and det R = +1.
func assertRotation(_ r: Mat3, _ tol: Double = 1e-12, file: StaticString = #filePath, line: UInt = #line) {
    assertClose(r.transposed * r, .identity, tol, "not orthonormal", file: file, line: line)
    XCTAssertEqual(r.determinant, 1, accuracy: tol, "det", file: file, line: line)
}

extension SeededGenerator {
    mutating func vec3(_ scale: Double = 1) -> Vec3 {
        Vec3(nextDouble(in: -scale, scale), nextDouble(in: -scale, scale), nextDouble(in: -scale, scale))
    }

    mutating func mat3(_ scale: Double = 1) -> Mat3 { Mat3(rows: vec3(scale), vec3(scale), vec3(scale)) }

    mutating func pose() -> Pose {
        Pose(rotation: nextRotation().rotationMatrix, translation: vec3(5))
    }
}
