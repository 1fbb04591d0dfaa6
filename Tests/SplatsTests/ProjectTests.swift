import CSplat
import Geometry
import XCTest
@testable import Splats

/// The fast float projection kernel against the plain double reference.
final class ProjectTests: XCTestCase {
    func testProjectionMatchesReference() {
        var rng = SeededGenerator(seed: 11)
        let camera = TestScene.camera(width: 45, height: 37, focal: 40, rng: &rng)
        var cloud = TestScene.cloud(count: 60, shDegree: 3, camera: camera, pixelSigma: 0.3...6, rng: &rng)
        // Culled cases: behind the camera, beyond the widened view (clamped Jacobian), far off screen.
        let r = camera.rotation, t = camera.translation
        func world(_ p: [Float]) -> [Float] {
            let q = [p[0] - t[0], p[1] - t[1], p[2] - t[2]]
            return (0..<3).map { k in r[k] * q[0] + r[3 + k] * q[1] + r[6 + k] * q[2] }
        }
        for (i, p) in [[0, 0, -1], [0.1, 0, 0.005], [40, 0, 4], [4, -1, 4], [-3.5, 2, 4]].enumerated() {
            cloud.means.replaceSubrange(3 * i..<3 * i + 3, with: world(p.map { Float($0) }))
        }
        cloud.logScales.replaceSubrange(9..<12, with: [log(0.8), log(0.6), log(0.7)]) // ~8 px wide
        for degree in [0, 1, 3] {
            let fast = ProjectedSplats(cloud: cloud, camera: camera, degree: degree)
            let ref = ReferencePipeline.project(.init(cloud), degree: degree, camera: camera)
            var visible = 0
            for i in 0..<cloud.count {
                let s = ref[i]
                XCTAssertEqual(fast.radii[i], s.radius, "radius of splat \(i)")
                guard s.visible != 0 else { continue }
                visible += 1
                let rect = [s.rect.0, s.rect.1, s.rect.2, s.rect.3]
                XCTAssertEqual(Array(fast.rects[4 * i..<4 * i + 4]), rect, "rect of splat \(i)")
                XCTAssertEqual(fast.tilesTouched[i], UInt32((rect[2] - rect[0]) * (rect[3] - rect[1])))
                let pairs: [(Float, Double, String)] = [
                    (fast.means2d[2 * i], s.mean2d.0, "u"), (fast.means2d[2 * i + 1], s.mean2d.1, "v"),
                    (fast.conics[3 * i], s.conic.0, "conic a"), (fast.conics[3 * i + 1], s.conic.1, "conic b"),
                    (fast.conics[3 * i + 2], s.conic.2, "conic c"), (fast.depths[i], s.depth, "depth"),
                    (fast.opacities[i], s.opacity, "opacity"), (fast.colors[3 * i], s.color.0, "red"),
                    (fast.colors[3 * i + 1], s.color.1, "green"), (fast.colors[3 * i + 2], s.color.2, "blue"),
                ]
                for (a, b, name) in pairs {
                    XCTAssertEqual(Double(a), b, accuracy: 2e-4 * max(1, abs(b)), "\(name) of splat \(i), degree \(degree)")
                }
                XCTAssertEqual(fast.clamped[3 * i..<3 * i + 3].map { Int32($0) }, [s.clamped.0, s.clamped.1, s.clamped.2])
            }
            XCTAssertGreaterThan(visible, 50)
            XCTAssertEqual(fast.radii[0], 0, "behind the camera")
            XCTAssertEqual(fast.radii[1], 0, "in front of the near plane")
            XCTAssertEqual(fast.radii[2], 0, "far off screen")
            XCTAssertGreaterThan(fast.radii[3], 0, "just outside the image, footprint reaches in")
        }
    }
}
