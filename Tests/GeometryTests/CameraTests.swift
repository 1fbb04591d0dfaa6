import XCTest
@testable import Geometry

final class CameraTests: XCTestCase {
    func testRayPassesThroughProjectedPoint() {
        var rng = SeededGenerator(seed: 30)
        let k = Intrinsics(fx: 1419, fy: 1419, cx: 960, cy: 540,
                           distortion: Distortion(k1: 0.13, k2: -0.59, p1: -0.002, p2: 0.001, k3: 1.3))
        for _ in 0..<100 {
            let camera = Camera(width: 1920, height: 1080, intrinsics: k, pose: rng.pose())
            // A world point in front of the camera.
            let cameraPoint = Vec3(rng.nextDouble(in: -0.6, 0.6), rng.nextDouble(in: -0.35, 0.35), 1) * rng.nextDouble(in: 1, 8)
            let world = camera.pose.inverse.apply(cameraPoint)
            let (pixel, depth) = camera.project(world)
            XCTAssertEqual(depth, cameraPoint.z, accuracy: 1e-12)
            let ray = camera.ray(through: pixel)
            XCTAssertEqual(length(ray.direction), 1, accuracy: 1e-14)
            assertClose(ray.origin, camera.pose.center, 1e-12)
            let t = dot(world - ray.origin, ray.direction)
            assertClose(ray.point(at: t), world, 1e-8)
            assertClose(camera.unproject(pixel, depth: depth), world, 1e-8)
        }
    }

    func testOrbitCamerasRadiusElevationAndCentring() {
        var path = OrbitPath(count: 12, radius: 3, elevationDegrees: 20, fieldOfViewYDegrees: 45, width: 640, height: 360)
        path.target = [0.5, -1, 2]
        let cameras = path.cameras()
        XCTAssertEqual(cameras.count, 12)
        var azimuths: [Double] = []
        for camera in cameras {
            let offset = camera.pose.center - path.target
            XCTAssertEqual(length(offset), 3, accuracy: 1e-12)
            XCTAssertEqual(asin(offset.y / 3) * 180 / .pi, 20, accuracy: 1e-9)
            let (pixel, depth) = camera.project(path.target)
            assertClose(pixel, [320, 180], 1e-9)
            XCTAssertEqual(depth, 3, accuracy: 1e-12)
            XCTAssertEqual(camera.width, 640); XCTAssertEqual(camera.height, 360)
            XCTAssertEqual(camera.intrinsics.fieldOfViewY(height: 360), 45, accuracy: 1e-9)
            // World up appears upward on screen.
            XCTAssertLessThan(camera.project(path.target + Vec3(0, 0.1, 0)).pixel.y, 180)
            azimuths.append(atan2(offset.x, offset.z) * 180 / .pi)
        }
        // Evenly spaced full circle, no repeat of the start.
        for i in 1..<azimuths.count {
            var step = azimuths[i] - azimuths[i - 1]
            if step < 0 { step += 360 }
            XCTAssertEqual(step, 30, accuracy: 1e-9)
        }
        // Azimuth 90° sits on the +x side of the target.
        let side = path.camera(azimuthDegrees: 90).pose.center - path.target
        XCTAssertGreaterThan(side.x, 2.5)
    }

    func testPartialSweepIncludesBothEnds() {
        var path = OrbitPath(count: 5, radius: 2, elevationDegrees: 0, fieldOfViewYDegrees: 40, width: 100, height: 100)
        path.startAzimuthDegrees = -30
        path.sweepDegrees = 60
        let centres = path.cameras().map { $0.pose.center }
        XCTAssertEqual(atan2(centres.first!.x, centres.first!.z) * 180 / .pi, -30, accuracy: 1e-9)
        XCTAssertEqual(atan2(centres.last!.x, centres.last!.z) * 180 / .pi, 30, accuracy: 1e-9)
        XCTAssertEqual(OrbitPath(count: 0, radius: 1, elevationDegrees: 0, fieldOfViewYDegrees: 40, width: 8, height: 8).cameras().count, 0)
    }
}
