import Foundation
import XCTest
@testable import Estimate
import Geometry
import Media

final class UndistortionTests: XCTestCase {
    let lens = Intrinsics(fx: 300, fy: 300, cx: 163, cy: 118, distortion: Distortion(k1: -0.2, k2: 0.05))
    let width = 320, height = 240

    /// A smooth seeded texture over pixel coordinates (value noise with 7 px cells).
    func texture(_ p: Vec2, _ plane: TexturedPlane) -> Float { plane.noise(p.x / 7, p.y / 7) }

    func psnr(_ a: Image, _ b: Image, where keep: (Int, Int) -> Bool) -> Double {
        var sum = 0.0, count = 0
        for y in 0..<a.height { for x in 0..<a.width where keep(x, y) {
            for c in 0..<3 { let d = Double(a[x, y, c] - b[x, y, c]); sum += d * d }
            count += 3
        } }
        return 10 * log10(1 / (sum / Double(count)))
    }

    /// An image drawn through the lens (each pixel shows the texture where the pinhole camera
    /// would have seen it), undistorted again, matches the pinhole drawing of the same texture:
    /// PSNR above 38 dB (one bilinear resampling), while the distorted image itself is far off.
    func testDistortedImageUndistortsToPinhole() throws {
        let plane = TexturedPlane(depth: 1, seed: 3)
        func draw(_ position: (Vec2) -> Vec2) -> Image {
            var pixels = [Float](repeating: 0, count: width * height * 3)
            for y in 0..<height { for x in 0..<width {
                let v = texture(position(Vec2(Double(x) + 0.5, Double(y) + 0.5)), plane)
                for c in 0..<3 { pixels[(y * width + x) * 3 + c] = v }
            } }
            return Image(width: width, height: height, channels: 3, pixels: pixels)
        }
        let pinhole = draw { $0 }
        let distorted = draw { self.lens.undistortPixel($0) }
        let undistorter = ImageUndistorter(intrinsics: lens, width: width, height: height, threads: 2)
        XCTAssertNil(undistorter.valid, "barrel distortion covers the whole pinhole image")
        XCTAssertTrue(undistorter.pinhole.distortion.isNone)
        XCTAssertEqual(undistorter.pinhole.fx, lens.fx)
        let restored = try undistorter.undistort(distorted)
        let all: (Int, Int) -> Bool = { _, _ in true }
        let before = psnr(distorted, pinhole, where: all), after = psnr(restored, pinhole, where: all)
        print(String(format: "undistortion: PSNR %.1f dB before, %.1f dB after; corner shift %.1f px", before, after,
                     ImageUndistorter.maxDisplacement(intrinsics: lens, width: width, height: height)))
        XCTAssertGreaterThan(after, 38)
        XCTAssertLessThan(before, 25)
    }

    /// Pincushion distortion pushes the pinhole image's corners outside the input: those
    /// pixels, and only those, are marked invalid.
    func testPincushionMarksCornersInvalid() throws {
        let pincushion = Intrinsics(fx: 300, fy: 300, cx: 160, cy: 120, distortion: Distortion(k1: 0.15))
        let undistorter = ImageUndistorter(intrinsics: pincushion, width: width, height: height)
        let valid = try XCTUnwrap(undistorter.valid)
        XCTAssertEqual(valid[0], 0)
        XCTAssertEqual(valid[width * height - 1], 0)
        XCTAssertEqual(valid[120 * width + 160], 1)
        for (i, v) in valid.enumerated() {
            let s = pincushion.distortPixel(Vec2(Double(i % width) + 0.5, Double(i / width) + 0.5))
            let inside = s.x >= 0 && s.y >= 0 && s.x <= Double(width) && s.y <= Double(height)
            XCTAssertEqual(v == 1, inside)
        }
    }

    /// Points seen through the lens, their keypoints undistorted, reproject through the
    /// pinhole camera to the same place (the inverse of the distortion is exact to 1e-6 px),
    /// and the undistorted image samples the input exactly where the lens put each point.
    func testUndistortedKeypointsReprojectThroughPinhole() throws {
        var rng = SeededGenerator(seed: 11)
        let pose = Pose(rotation: rng.rotation(maxDegrees: 20), translation: rng.vector(0.5))
        let camera = Camera(width: width, height: height, intrinsics: lens, pose: pose)
        let undistorter = ImageUndistorter(intrinsics: lens, width: width, height: height)
        let pinholeCamera = Camera(width: width, height: height, intrinsics: undistorter.pinhole, pose: pose)
        var keypoints: [Keypoint] = [], worlds: [Vec3] = []
        while keypoints.count < 200 {
            let pixel = Vec2(rng.nextDouble(in: 0, Double(width)), rng.nextDouble(in: 0, Double(height)))
            let world = camera.unproject(pixel, depth: rng.nextDouble(in: 1, 5))
            let seen = camera.project(world).pixel
            keypoints.append(Keypoint(x: Float(seen.x), y: Float(seen.y), scale: 2, orientation: 0, response: 1, octave: 0))
            worlds.append(world)
        }
        let features = try Features(width: width, height: height, keypoints: keypoints, descriptors: [Float](repeating: 0, count: 200 * 128))
        let moved = undistorter.undistort(features)
        var worst = 0.0
        for (k, world) in zip(moved.keypoints, worlds) {
            let expected = pinholeCamera.project(world).pixel
            let d = expected - Vec2(Double(k.x), Double(k.y))
            worst = max(worst, (d * d).sum().squareRoot())
            // The resampling map reads the input where the lens put the point.
            let source = lens.distortPixel(expected) - camera.project(world).pixel
            XCTAssertLessThan((source * source).sum().squareRoot(), 1e-6)
        }
        XCTAssertLessThan(worst, 1e-3, "float keypoints")
    }
}
