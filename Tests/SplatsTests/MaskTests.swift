import Geometry
import XCTest
@testable import Splats

/// Pixels a mask excludes give no gradient; a transparent-mode mask shows the background.
final class MaskTests: XCTestCase {
    func testExcludedPixelsGiveNoGradient() throws {
        let size = 48
        let camera = SplatCamera(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0], fx: 48, fy: 48,
                                 cx: 24, cy: 24, width: size, height: size)
        // One splat 1.5 px wide at pixel (8, 24) in the masked left half, one at (38, 24) in view.
        var cloud = GaussianCloud(count: 2, shDegree: 0)
        let depth: Float = 4
        for (i, u) in [Float(8), 38].enumerated() {
            cloud.means[3 * i] = (u - 24) / 48 * depth
            cloud.means[3 * i + 2] = depth
            for a in 0..<3 { cloud.logScales[3 * i + a] = log(1.5 * depth / 48); cloud.sh[3 * i + a] = 0.8 }
            cloud.opacityLogits[i] = 1
        }
        var mask = [UInt8](repeating: 255, count: size * size)
        for y in 0..<size { for x in 0..<(size / 2) { mask[y * size + x] = 0 } }
        let pixels = [UInt8](repeating: 40, count: 3 * size * size)
        let view = TrainingView(name: "v", camera: camera, pixels: pixels, channels: 3, mask: mask)

        func gradients(_ mode: MaskMode?) throws -> GaussianCloud {
            var target: [Float] = [], weights: [Float]? = nil
            var masked = view
            if mode == nil { masked.mask = nil }
            masked.target(background: [0, 0, 0], maskMode: mode ?? .exclude, into: &target, weights: &weights)
            let rasterizer = SplatRasterizer(threadCount: 2, background: [0, 0, 0])
            let image = try rasterizer.render(cloud, camera: camera)
            var g = [Float](repeating: 0, count: 3 * size * size)
            _ = try g.withUnsafeMutableBufferPointer {
                try ImageLoss(ssimWeight: 0.2).evaluate(rendered: image.color, target: target, width: size, height: size,
                                                        weights: weights, gradient: $0)
            }
            return try rasterizer.backward(dColor: g).parameters
        }
        let excluded = try gradients(.exclude)
        XCTAssertEqual(Array(excluded.sh[0..<3]), [0, 0, 0])
        XCTAssertEqual(Array(excluded.means[0..<3]), [0, 0, 0])
        XCTAssertEqual(excluded.opacityLogits[0], 0)
        XCTAssertNotEqual(excluded.sh[3], 0, "the visible splat must still learn")
        let unmasked = try gradients(nil)
        XCTAssertNotEqual(unmasked.sh[0], 0, "without the mask the hidden splat has a gradient")
    }

    func testTransparentMaskShowsBackground() {
        let camera = SplatCamera(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0], fx: 2, fy: 2,
                                 cx: 1, cy: 1, width: 2, height: 1)
        let view = TrainingView(name: "v", camera: camera, pixels: [255, 0, 0, 255, 0, 255, 0, 128], channels: 4,
                                mask: [255, 0])
        var target: [Float] = [], weights: [Float]? = nil
        view.target(background: [0, 0, 1], maskMode: .transparent, into: &target, weights: &weights)
        XCTAssertNil(weights)
        XCTAssertEqual(target, [1, 0, 0, 0, 0, 1])
        view.target(background: [0, 0, 1], maskMode: .exclude, into: &target, weights: &weights)
        XCTAssertEqual(weights, [1, 0])
        // Alpha 128/255 composites half over the background.
        XCTAssertEqual(target[4], 128 / 255, accuracy: 1e-6)
        XCTAssertEqual(target[5], 1 - 128 / 255, accuracy: 1e-6)
    }
}
