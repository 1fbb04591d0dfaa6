import CSplat
import Geometry
import XCTest
@testable import Splats

/// The tile rasterizer against the brute-force per-pixel reference.
final class RasterizeTests: XCTestCase {
    private func compare(seed: UInt64, width: Int, height: Int, count: Int, opacity: ClosedRange<Float>,
                         pixelSigma: ClosedRange<Float>, background: [Float]?, threads: Int) throws {
        var rng = SeededGenerator(seed: seed)
        let camera = TestScene.camera(width: width, height: height, focal: Float(width), rng: &rng)
        let cloud = TestScene.cloud(count: count, shDegree: 2, camera: camera, pixelSigma: pixelSigma,
                                    opacity: opacity, rng: &rng)
        let rasterizer = SplatRasterizer(threadCount: threads, background: background)
        let image = try rasterizer.render(cloud, camera: camera)
        let projected = ProjectedSplats(cloud: cloud, camera: camera)
        let ref = ReferencePipeline.rasterize(projected.referenceSplats, width: width, height: height,
                                              background: background?.map(Double.init), options: BlendOptions())
        var worst = 0.0
        for i in 0..<3 * width * height { worst = max(worst, abs(Double(image.color[i]) - ref.color[i])) }
        for i in 0..<width * height {
            worst = max(worst, abs(Double(image.alpha[i]) - ref.alpha[i]))
            worst = max(worst, abs(Double(image.depth[i]) - ref.depth[i]) / 5) // depths are about 3...5
        }
        XCTAssertLessThan(worst, 1e-5, "seed \(seed): largest difference from the brute-force reference")
        let covered = image.alpha.filter { $0 > 0.5 }.count
        XCTAssertGreaterThan(covered, width * height / 4, "the scene covers the image")
        // Without depth (as training renders): the same colour and alpha, no depth, same gradients.
        rasterizer.rendersDepth = false
        let noDepth = try rasterizer.render(cloud, camera: camera)
        XCTAssertEqual(noDepth.color, image.color)
        XCTAssertEqual(noDepth.alpha, image.alpha)
        XCTAssertEqual(noDepth.depth, [])
        // Without the bookkeeping for a backward (previews, metrics): the same image, and no
        // backward of it.
        rasterizer.rendersDepth = true
        rasterizer.preparesBackward = false
        XCTAssertEqual(try rasterizer.render(cloud, camera: camera), image)
        XCTAssertThrowsError(try rasterizer.backward(dColor: [Float](repeating: 1, count: 3 * width * height)))
    }

    func testMatchesBruteForceOnTinyScene() throws {
        try compare(seed: 1, width: 32, height: 32, count: 20, opacity: 0.2...0.8, pixelSigma: 1...5,
                    background: nil, threads: 1)
    }

    /// Opaque overlapping splats: alpha clamping and early termination; edge tiles cut by the image.
    func testMatchesBruteForceWithSaturationAndPartialTiles() throws {
        try compare(seed: 2, width: 45, height: 37, count: 300, opacity: 0.9...0.999, pixelSigma: 0.4...6,
                    background: [0.2, 0.4, 0.9], threads: 2)
    }

    /// A crowded scene: thousands of splats from sub-pixel to tile-sized, many pixels stopping early.
    func testMatchesBruteForceOnCrowdedScene() throws {
        try compare(seed: 3, width: 100, height: 75, count: 2500, opacity: 0.05...0.99, pixelSigma: 0.3...10,
                    background: [1, 1, 1], threads: 2)
    }

    func testEmptyCloudShowsBackground() throws {
        var rng = SeededGenerator(seed: 4)
        let camera = TestScene.camera(width: 20, height: 10, focal: 20, rng: &rng)
        let rasterizer = SplatRasterizer(threadCount: 2, background: [0.1, 0.2, 0.3])
        let image = try rasterizer.render(GaussianCloud(count: 0, shDegree: 1), camera: camera)
        XCTAssertEqual(image.color, [Float](repeating: 0, count: 600).enumerated().map { [0.1, 0.2, 0.3][$0.offset % 3] })
        XCTAssertEqual(image.alpha, [Float](repeating: 0, count: 200))
        let grads = try rasterizer.backward(dColor: [Float](repeating: 1, count: 600))
        XCTAssertEqual(grads.parameters.count, 0)
    }

    func testRejectsBadInput() {
        var rng = SeededGenerator(seed: 4)
        let camera = TestScene.camera(width: 20, height: 10, focal: 20, rng: &rng)
        var cloud = GaussianCloud(count: 2, shDegree: 1)
        cloud.sh.removeLast()
        let rasterizer = SplatRasterizer()
        XCTAssertThrowsError(try rasterizer.render(cloud, camera: camera)) { error in
            XCTAssertEqual(error as? SplatsError, .badCloud(field: "sh", reason: "holds 23 floats, expected 24"))
        }
        XCTAssertThrowsError(try rasterizer.backward(dColor: []))
        var bad = camera
        bad.rotation[0] = 3
        XCTAssertThrowsError(try rasterizer.render(GaussianCloud(count: 1, shDegree: 0), camera: bad))
        XCTAssertThrowsError(try rasterizer.render(GaussianCloud(count: 1, shDegree: 0), camera: camera, shDegree: 2))
        rasterizer.blendOptions.alphaMax = 1
        XCTAssertThrowsError(try rasterizer.render(GaussianCloud(count: 1, shDegree: 0), camera: camera)) { error in
            XCTAssertEqual(error as? SplatsError, .badOptions(field: "alphaMax", reason: "1.0 must be below 1"))
        }
    }
}

/// Pixel (i, j) is centred at (i + 0.5, j + 0.5): a round splat projected to (10.5, 7.5) is
/// brightest at pixel (10, 7) and symmetric around it.
final class PixelCentreTests: XCTestCase {
    func testSplatAtPixelCentreIsSymmetric() throws {
        let camera = SplatCamera(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0],
                                 fx: 20, fy: 20, cx: 8, cy: 8, width: 16, height: 16)
        var cloud = GaussianCloud(count: 1, shDegree: 0)
        cloud.means = [(10.5 - 8) / 20 * 2, (7.5 - 8) / 20 * 2, 2] // depth 2
        cloud.logScales = [Float](repeating: log(1.5 * 2 / 20), count: 3) // 1.5 px
        cloud.sh = [1, 1, 1]
        let image = try SplatRasterizer(threadCount: 1).render(cloud, camera: camera)
        func a(_ x: Int, _ y: Int) -> Float { image.alpha[y * 16 + x] }
        XCTAssertEqual(image.alpha.firstIndex(of: image.alpha.max()!), 7 * 16 + 10)
        XCTAssertEqual(a(9, 7), a(11, 7), accuracy: 1e-6)
        XCTAssertEqual(a(10, 6), a(10, 8), accuracy: 1e-6)
        XCTAssertGreaterThan(a(9, 7), 0.1)
    }
}
