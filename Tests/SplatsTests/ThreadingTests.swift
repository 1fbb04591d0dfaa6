import Geometry
import XCTest
@testable import Splats

/// Forward and backward on two cores give bit-identical results to one core.
final class ThreadingTests: XCTestCase {
    func testTwoCoresEqualOneCore() throws {
        var rng = SeededGenerator(seed: 31)
        let camera = TestScene.camera(width: 96, height: 80, focal: 90, rng: &rng)
        let cloud = TestScene.cloud(count: 3000, shDegree: 3, camera: camera, pixelSigma: 0.5...8,
                                    opacity: 0.1...0.99, rng: &rng)
        let dColor = (0..<3 * 96 * 80).map { _ in rng.uniform(-1, 1) }
        let dAlpha = (0..<96 * 80).map { _ in rng.uniform(-1, 1) }
        var results: [(RenderedImage, SplatGradients)] = []
        for threads in [1, 2, 2] {
            let rasterizer = SplatRasterizer(threadCount: threads, background: [0.5, 0.5, 0.5])
            let image = try rasterizer.render(cloud, camera: camera)
            results.append((image, try rasterizer.backward(dColor: dColor, dAlpha: dAlpha, dDepth: dAlpha)))
        }
        XCTAssertEqual(results[0].0, results[1].0)
        XCTAssertEqual(results[0].1, results[1].1)
        XCTAssertEqual(results[1].1, results[2].1)
        // Rendering into reused buffers gives the same images.
        let rasterizer = SplatRasterizer(threadCount: 2, background: [0.5, 0.5, 0.5])
        var reused = RenderedImage(width: 0, height: 0, color: [], alpha: [], depth: [])
        var gradients = SplatGradients(parameters: GaussianCloud(count: 0, shDegree: 0), mean2dGradientNorms: [])
        for _ in 0..<2 {
            try rasterizer.render(cloud, camera: camera, into: &reused)
            try rasterizer.backward(dColor: dColor, dAlpha: dAlpha, dDepth: dAlpha, into: &gradients)
        }
        XCTAssertEqual(reused, results[0].0)
        XCTAssertEqual(gradients, results[0].1)
        XCTAssertTrue(results[0].1.parameters.means.contains { $0 != 0 })
    }
}

/// The rasterizer lets go of the cloud after the backward, so updating it in place does not copy.
final class OwnershipTests: XCTestCase {
    func testBackwardReleasesTheCloud() throws {
        var rng = SeededGenerator(seed: 32)
        let camera = TestScene.camera(width: 32, height: 32, focal: 30, rng: &rng)
        var cloud = TestScene.cloud(count: 20, shDegree: 1, camera: camera, pixelSigma: 1...3, rng: &rng)
        let rasterizer = SplatRasterizer(threadCount: 1)
        _ = try rasterizer.render(cloud, camera: camera)
        _ = try rasterizer.backward(dColor: [Float](repeating: 1, count: 3 * 32 * 32))
        XCTAssertThrowsError(try rasterizer.backward(dColor: [Float](repeating: 1, count: 3 * 32 * 32)))
        XCTAssertEqual(rasterizer.lastRadii.count, 20)
        let before = cloud.means.withUnsafeBufferPointer { $0.baseAddress }
        cloud.means[0] += 1
        XCTAssertEqual(cloud.means.withUnsafeBufferPointer { $0.baseAddress }, before, "no copy on write")
    }
}
