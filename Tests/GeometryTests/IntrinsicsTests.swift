import XCTest
@testable import Geometry

final class IntrinsicsTests: XCTestCase {
    /// Pixel 6a main camera at 1920×1080 (from a real OpenCV calibration).
    let phone = Intrinsics(fx: 1419.2, fy: 1418.6, cx: 957.3, cy: 541.8,
                           distortion: Distortion(k1: 0.13, k2: -0.59, p1: -0.002, p2: 0.001, k3: 1.3))
    let mild = Intrinsics(fx: 1500, fy: 1500, cx: 960, cy: 540,
                          distortion: Distortion(k1: -0.08, k2: 0.02, p1: 0.0005, p2: -0.0003, k3: 0))

    /// 33 × 19 pixels spanning the whole 1920×1080 image, corners included.
    var grid: [Vec2] {
        var pixels: [Vec2] = []
        for j in 0...18 { for i in 0...32 { pixels.append(Vec2(Double(i) * 60, Double(j) * 60)) } }
        return pixels
    }

    func testDistortMatchesHandFormula() {
        let d = Distortion(k1: 0.1, k2: 0.01, p1: 0.001, p2: 0.002, k3: 0.001)
        // x = 0.3, y = -0.2: r² = 0.13, radial = 1 + 0.013 + 0.000169 + 0.000002197.
        let radial = 1.013171197
        let x = 0.3 * radial + 2 * 0.001 * 0.3 * -0.2 + 0.002 * (0.13 + 2 * 0.09)
        let y = -0.2 * radial + 0.001 * (0.13 + 2 * 0.04) + 2 * 0.002 * 0.3 * -0.2
        assertClose(d.distort([0.3, -0.2]), [x, y], 1e-15)
        XCTAssertTrue(Distortion.none.isNone)
        XCTAssertFalse(d.isNone)
    }

    func testPhoneDistortionIsSubstantial() {
        // Guards the round-trip tests below from passing on an identity distortion.
        let corner = phone.distortPixel([0, 0])
        XCTAssertGreaterThan(maxDiff(corner, [0, 0]), 10)
    }

    func testDistortUndistortRoundTripsOverImage() {
        for k in [phone, mild] {
            var worstA = 0.0, worstB = 0.0
            for p in grid {
                worstA = max(worstA, maxDiff(k.undistortPixel(k.distortPixel(p)), p))
                worstB = max(worstB, maxDiff(k.distortPixel(k.undistortPixel(p)), p))
            }
            XCTAssertLessThan(worstA, 1e-6, "undistort∘distort, \(k.distortion)")
            XCTAssertLessThan(worstB, 1e-6, "distort∘undistort, \(k.distortion)")
        }
    }

    func testUndistortJacobianMatchesFiniteDifferences() {
        let d = phone.distortion
        let h = 1e-6
        for n in [Vec2(0.3, -0.2), Vec2(-0.6, 0.35), Vec2(0.05, 0.01)] {
            let (row0, row1) = d.jacobian(n)
            let dx = (d.distort(n + Vec2(h, 0)) - d.distort(n - Vec2(h, 0))) / (2 * h)
            let dy = (d.distort(n + Vec2(0, h)) - d.distort(n - Vec2(0, h))) / (2 * h)
            assertClose(Vec2(row0.x, row1.x), dx, 1e-8)
            assertClose(Vec2(row0.y, row1.y), dy, 1e-8)
        }
    }

    func testProjectUnprojectRoundTrip() {
        var rng = SeededGenerator(seed: 20)
        for k in [phone, mild, Intrinsics(fieldOfViewY: 60, width: 800, height: 600)] {
            for p in grid {
                let depth = rng.nextDouble(in: 0.5, 20)
                let point = k.unproject(p, depth: depth)
                XCTAssertEqual(point.z, depth)
                assertClose(k.project(point), p, 1e-6)
            }
            for _ in 0..<200 {
                let point = Vec3(rng.nextDouble(in: -0.5, 0.5), rng.nextDouble(in: -0.3, 0.3), 1) * rng.nextDouble(in: 1, 10)
                assertClose(k.unproject(k.project(point), depth: point.z), point, 1e-9)
            }
        }
    }

    func testFieldOfView() {
        let k = Intrinsics(fieldOfViewY: 60, width: 1920, height: 1080)
        XCTAssertEqual(k.fy, 540 / tan(.pi / 6), accuracy: 1e-9)
        XCTAssertEqual(k.fx, k.fy)
        XCTAssertEqual(k.cx, 960); XCTAssertEqual(k.cy, 540)
        XCTAssertEqual(k.fieldOfViewY(height: 1080), 60, accuracy: 1e-12)
        XCTAssertEqual(k.fieldOfViewX(width: 1080), 60, accuracy: 1e-12)
        XCTAssertGreaterThan(k.fieldOfViewX(width: 1920), 90)
        // A point on the top edge of the frustum projects onto the top image edge.
        let top = k.project([0, -tan(.pi / 6), 1])
        assertClose(top, [960, 0], 1e-9)
    }
}
