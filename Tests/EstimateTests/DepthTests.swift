import Foundation
import XCTest
@testable import Estimate
import Geometry
import Media
import Render

/// A textured plane z = `depth` (world), drawn by casting each pixel's ray (2×2 samples): the
/// texture is seeded value noise at two scales (cells of 0.04 and 0.11 units, ≈ 4 and 11 px at
/// depth 3 for the test cameras), flat inside `flat` (a world x, y box).
struct TexturedPlane {
    var depth: Double
    var lattice: [Float]
    var flat: (x: ClosedRange<Double>, y: ClosedRange<Double>)?
    static let size = 256

    init(depth: Double, seed: UInt64, flat: (x: ClosedRange<Double>, y: ClosedRange<Double>)? = nil) {
        var rng = SeededGenerator(seed: seed)
        lattice = (0..<(TexturedPlane.size * TexturedPlane.size)).map { _ in Float(rng.nextDouble()) }
        self.depth = depth
        self.flat = flat
    }

    /// Bilinear interpolation of the lattice with smoothstep weights, coordinates in cells.
    func noise(_ x: Double, _ y: Double) -> Float {
        let n = TexturedPlane.size
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let i = ((Int(fx) % n) + n) % n, j = ((Int(fy) % n) + n) % n
        let i1 = (i + 1) % n, j1 = (j + 1) % n
        var u = Float(x - fx), v = Float(y - fy)
        u = u * u * (3 - 2 * u); v = v * v * (3 - 2 * v)
        let top = lattice[j * n + i] + u * (lattice[j * n + i1] - lattice[j * n + i])
        let bottom = lattice[j1 * n + i] + u * (lattice[j1 * n + i1] - lattice[j1 * n + i])
        return top + v * (bottom - top)
    }

    func texture(_ x: Double, _ y: Double) -> Float {
        if let flat, flat.x.contains(x), flat.y.contains(y) { return 0.5 }
        return 0.15 + 0.45 * noise(x / 0.04, y / 0.04) + 0.3 * noise(x / 0.11 + 97, y / 0.11 + 31)
    }

    func image(_ camera: Camera) -> Image {
        var pixels = [Float](repeating: 0, count: camera.width * camera.height * 3)
        for y in 0..<camera.height {
            for x in 0..<camera.width {
                var sum: Float = 0
                for (sx, sy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    let ray = camera.ray(through: Vec2(Double(x) + sx, Double(y) + sy))
                    let p = ray.point(at: (depth - ray.origin.z) / ray.direction.z)
                    sum += texture(p.x, p.y)
                }
                for c in 0..<3 { pixels[(y * camera.width + x) * 3 + c] = sum / 4 }
            }
        }
        return Image(width: camera.width, height: camera.height, channels: 3, pixels: pixels)
    }
}

final class DepthTests: XCTestCase {
    let intrinsics = Intrinsics(fx: 300, fy: 300, cx: 160, cy: 120)

    func camera(at centre: Vec3) -> Camera {
        Camera(width: 320, height: 240, intrinsics: intrinsics, pose: Pose(rotation: .identity, translation: -centre))
    }

    func sweepPlane(_ plane: TexturedPlane) throws -> [DepthMap?] {
        let cameras = [camera(at: Vec3(0, 0, 0)), camera(at: Vec3(0.25, 0.02, 0))]
        var options = DepthOptions()
        options.neighbours = 1
        options.keep = 1
        let inputs = try cameras.map { try DepthEstimator.input(image: plane.image($0), camera: $0, options: options) }
        return try DepthEstimator.estimate(inputs: inputs, neighbours: [[1], [0]], ranges: [1.5...6, 1.5...6], options: options)
    }

    /// Two views 0.25 apart of a textured plane at depth 3 (disparity ≈ 25 px): the sweep
    /// recovers the depth to well under a percent (planes are 1 px apart, the parabola
    /// refines between them) over most of the overlap.
    func testFrontoParallelPlaneDepth() throws {
        let maps = try sweepPlane(TexturedPlane(depth: 3, seed: 7))
        let map = try XCTUnwrap(maps[0])
        let valid = map.depth.filter { $0 > 0 }
        let errors = valid.map { abs(Double($0) / 3 - 1) }.sorted()
        let median = errors[errors.count / 2], p90 = errors[errors.count * 9 / 10]
        print(String(format: "plane: coverage %.1f %%, median error %.3f %%, 90th %.3f %%, planes %d", 100 * map.coverage, 100 * median, 100 * p90, map.planes))
        XCTAssertGreaterThan(map.coverage, 0.8)
        XCTAssertLessThan(median, 0.002)
        XCTAssertLessThan(p90, 0.01)
        XCTAssertTrue(zip(map.depth, map.confidence).allSatisfy { d, c in (d > 0) == (c > 0) && c <= 1 })
        XCTAssertGreaterThan(try XCTUnwrap(maps[1]).coverage, 0.8)
    }

    /// The same plane with a flat (untextured) square in the middle: no depth and zero
    /// confidence there, while the textured part keeps its depth.
    func testTexturelessRegionHasNoConfidence() throws {
        // World box x ∈ [−0.6, 0.6], y ∈ [−0.4, 0.4] at depth 3 is pixels x ∈ [100, 220], y ∈ [80, 160] of the reference.
        let maps = try sweepPlane(TexturedPlane(depth: 3, seed: 7, flat: (-0.6...0.6, -0.4...0.4)))
        let map = try XCTUnwrap(maps[0])
        var inside = 0, insideConfident = 0, outside = 0, outsideConfident = 0
        for y in 0..<map.height {
            for x in 0..<map.width {
                let confident = map.confidence[y * map.width + x] > 0
                if (106..<214).contains(x) && (86..<154).contains(y) {
                    inside += 1; if confident { insideConfident += 1 }
                } else if !(90..<230).contains(x) || !(70..<170).contains(y) {
                    outside += 1; if confident { outsideConfident += 1 }
                }
            }
        }
        print("flat square: \(insideConfident) of \(inside) confident inside, \(outsideConfident) of \(outside) outside")
        XCTAssertEqual(insideConfident, 0)
        XCTAssertGreaterThan(Double(outsideConfident), 0.75 * Double(outside))
    }
}
