import Foundation
import Geometry
import XCTest
@testable import Render

final class RasterizerTests: XCTestCase {
    /// A plane square to the optical axis at distance 5 fills the image with depth 5.
    func testHeadOnPlaneDepthIsExact() throws {
        let plane = object(.plane(size: SIMD2(20, 20)), transform: ObjectTransform(rotationDegrees: Vec3(90, 0, 0)))
        let scene = Scene(objects: [plane])
        let renderer = try Renderer(scene: scene, settings: RenderSettings(supersample: 2))
        let frame = try renderer.render(camera: camera(eye: Vec3(0, 0, 5), focal: 60, width: 64, height: 48))
        for k in 0..<(64 * 48) {
            XCTAssertEqual(frame.alpha[k], 1)
            XCTAssertEqual(Double(frame.depth[k]), 5, accuracy: 5e-4)
        }
    }

    /// A tilted plane: every pixel's depth equals the camera z where the ray through the pixel
    /// centre meets the plane.
    func testTiltedPlaneDepthMatchesRayIntersection() throws {
        let transform = ObjectTransform(translation: Vec3(0.3, -0.2, -1), rotationDegrees: Vec3(60, 25, 10))
        let scene = Scene(objects: [object(.plane(size: SIMD2(40, 40)), transform: transform)])
        let cam = camera(eye: Vec3(0.5, 1, 6), target: Vec3(0, 0, -1), focal: 70, width: 80, height: 60)
        let frame = try Renderer(scene: scene, settings: RenderSettings(supersample: 1)).render(camera: cam)
        let normal = transform.rotation * Vec3(0, 1, 0)
        var checked = 0
        for y in 0..<cam.height { for x in 0..<cam.width {
            let ray = cam.ray(through: Vec2(Double(x) + 0.5, Double(y) + 0.5))
            let s = dot(transform.translation - ray.origin, normal) / dot(ray.direction, normal)
            let z = cam.pose.apply(ray.point(at: s)).z
            let k = y * cam.width + x
            guard s > 0, frame.alpha[k] == 1 else { continue }
            XCTAssertEqual(Double(frame.depth[k]), z, accuracy: 1e-4 * z)
            checked += 1
        } }
        XCTAssertEqual(checked, cam.width * cam.height)
    }

    /// On the optical axis, a sphere of radius r at distance D is seen inside a cone of half-angle
    /// asin(r / D): a disc of radius f·tan(asin(r / D)) pixels.
    func testSphereSilhouetteAreaMatchesAnalyticValue() throws {
        let r = 1.0, d = 4.0, f = 200.0
        let scene = Scene(objects: [object(.sphere(radius: r, segments: 192, rings: 96))])
        let frame = try Renderer(scene: scene, settings: RenderSettings(supersample: 2))
            .render(camera: camera(eye: Vec3(0, 0, d), focal: f, width: 160, height: 160))
        let area = frame.alpha.reduce(0.0) { $0 + Double($1) }
        let rho = f * tan(asin(r / d))
        XCTAssertEqual(area, Double.pi * rho * rho, accuracy: 0.01 * Double.pi * rho * rho)
        // The nearest point of the sphere is at the image centre, at depth D − r.
        let centre = 80 * 160 + 80
        XCTAssertEqual(Double(frame.depth[centre]), d - r, accuracy: 0.01)
    }

    /// A textured quad filling a 64×64 region exactly, lit with ambient 1 only, reproduces its texture.
    func testTexturedQuadReproducesTexture() throws {
        var generator = SeededGenerator(seed: 11)
        let n = 64
        let pixels = (0..<(3 * n * n)).map { _ in Float(generator.nextDouble()) }
        let texture = Texture(width: n, height: n, pixels: pixels)
        let quad = object(.plane(size: SIMD2(2, 2)), material: Material(texture: texture),
                          transform: ObjectTransform(rotationDegrees: Vec3(90, 0, 0)))
        let scene = Scene(objects: [quad], lighting: .unlit)
        let distance = 3.0
        // Half-size 1 at distance 3 spans 32 pixels: f = 32 · 3.
        let cam = camera(eye: Vec3(0, 0, distance), focal: 32 * distance, width: n, height: n)
        let frame = try Renderer(scene: scene, settings: RenderSettings(supersample: 1)).render(camera: cam)
        XCTAssertTrue(frame.alpha.allSatisfy { $0 == 1 })
        XCTAssertGreaterThanOrEqual(psnr(frame.rgb, pixels), 40)
    }

    /// Same quad, 2×2 supersampled and smaller than the texture: still close to a box-filtered texture.
    func testSupersampledQuadMatchesSmoothTexture() throws {
        let n = 64
        var pixels = [Float](repeating: 0, count: 3 * n * n)
        for y in 0..<n { for x in 0..<n { for c in 0..<3 {
            let u = (Double(x) + 0.5) / Double(n), v = (Double(y) + 0.5) / Double(n)
            pixels[3 * (y * n + x) + c] = Float(0.5 + 0.4 * sin(2 * .pi * (u + Double(c) * 0.3)) * cos(2 * .pi * v))
        } } }
        let quad = object(.plane(size: SIMD2(2, 2)), material: Material(texture: Texture(width: n, height: n, pixels: pixels)),
                          transform: ObjectTransform(rotationDegrees: Vec3(90, 0, 0)))
        let cam = camera(eye: Vec3(0, 0, 3), focal: 96, width: n, height: n)
        let frame = try Renderer(scene: Scene(objects: [quad], lighting: .unlit), settings: RenderSettings(supersample: 2))
            .render(camera: cam)
        XCTAssertGreaterThanOrEqual(psnr(frame.rgb, pixels), 40)
    }

    /// Slow reference: a ray through each pixel centre, intersected with every triangle.
    func testDepthAndCoverageMatchRayCastingReference() throws {
        let scene = Scene(objects: [
            object(.box(size: Vec3(1, 0.6, 0.8)), transform: ObjectTransform(translation: Vec3(-0.4, 0, 0), rotationDegrees: Vec3(20, 35, 0))),
            object(.torus(majorRadius: 0.5, minorRadius: 0.15, segments: 24, sides: 12),
                   transform: ObjectTransform(translation: Vec3(0.5, 0.2, -0.3), rotationDegrees: Vec3(70, 0, 20))),
        ])
        let cam = camera(eye: Vec3(0.3, 0.8, 3), focal: 70, width: 64, height: 48)
        let frame = try Renderer(scene: scene, settings: RenderSettings(supersample: 1)).render(camera: cam)
        var triangles: [(Vec3, Vec3, Vec3)] = []
        for obj in scene.objects {
            let m = obj.animation.transform(at: 0).affine
            let mesh = obj.parts[0].mesh
            func p(_ i: Int32) -> Vec3 {
                let k = 3 * Int(i)
                return m.apply(Vec3(Double(mesh.positions[k]), Double(mesh.positions[k + 1]), Double(mesh.positions[k + 2])))
            }
            for t in 0..<mesh.triangleCount {
                triangles.append((p(mesh.indices[3 * t]), p(mesh.indices[3 * t + 1]), p(mesh.indices[3 * t + 2])))
            }
        }
        var mismatched = 0, compared = 0
        for y in 0..<cam.height { for x in 0..<cam.width {
            let ray = cam.ray(through: Vec2(Double(x) + 0.5, Double(y) + 0.5))
            var nearest = Double.infinity
            for (a, b, c) in triangles {
                // Möller–Trumbore.
                let e1 = b - a, e2 = c - a, pv = cross(ray.direction, e2)
                let det = dot(e1, pv)
                if abs(det) < 1e-12 { continue }
                let tv = ray.origin - a
                let u = dot(tv, pv) / det
                if u < 0 || u > 1 { continue }
                let qv = cross(tv, e1)
                let v = dot(ray.direction, qv) / det
                if v < 0 || u + v > 1 { continue }
                let s = dot(e2, qv) / det
                if s > 0 { nearest = min(nearest, s) }
            }
            let k = y * cam.width + x
            let hit = nearest.isFinite
            if hit != (frame.alpha[k] == 1) { mismatched += 1; continue }
            if hit {
                let z = cam.pose.apply(ray.point(at: nearest)).z
                XCTAssertEqual(Double(frame.depth[k]), z, accuracy: 1e-4 * z)
                compared += 1
            }
        } }
        XCTAssertGreaterThan(compared, 300)
        XCTAssertLessThanOrEqual(mismatched, 2)  // only rays grazing an edge may disagree
    }

    /// Bands and threads change nothing.
    func testResultDoesNotDependOnBandsOrThreads() throws {
        let scene = ProceduralObject.scene(seed: 3)
        let cam = camera(eye: Vec3(0, 1, 3), focal: 80, width: 72, height: 56)
        let a = try Renderer(scene: scene, settings: RenderSettings(bandRows: 16, parallel: true)).render(camera: cam)
        let b = try Renderer(scene: scene, settings: RenderSettings(bandRows: 5, parallel: false)).render(camera: cam)
        let c = try Renderer(scene: scene, settings: RenderSettings(bandRows: 1, parallel: true)).render(camera: cam)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a, c)
        XCTAssertGreaterThan(a.alpha.reduce(0, +), 100)
    }

    /// A triangle crossing the near plane is clipped, not dropped: a floor running under the camera
    /// is still seen right up to the bottom of the image.
    func testNearPlaneClippingKeepsVisiblePart() throws {
        let floor = object(.plane(size: SIMD2(20, 20)), transform: ObjectTransform(translation: Vec3(0, -1, 0)))
        let cam = camera(eye: Vec3(0, 0, 0), target: Vec3(0, -0.3, -1), focal: 40, width: 48, height: 32)
        let frame = try Renderer(scene: Scene(objects: [floor]), settings: RenderSettings(supersample: 1, near: 0.05))
            .render(camera: cam)
        let bottomRow = (31 * 48)..<(32 * 48)
        XCTAssertTrue(bottomRow.allSatisfy { frame.alpha[$0] == 1 })
    }

    func testLambertShadingFollowsLightAngle() throws {
        let plane = object(.plane(size: SIMD2(10, 10)), material: Material(color: SIMD3(1, 1, 1)),
                           transform: ObjectTransform(rotationDegrees: Vec3(90, 0, 0)))
        // Light arrives at 60° from the plane normal (+z): Lambert factor cos 60° = 0.5.
        let light = DirectionalLight(direction: -Vec3(sin(Double.pi / 3), 0, cos(Double.pi / 3)), color: SIMD3(0.8, 0.8, 0.8))
        let scene = Scene(objects: [plane], lighting: Lighting(ambient: SIMD3(0.1, 0.2, 0.3), lights: [light]))
        let frame = try Renderer(scene: scene).render(camera: camera(eye: Vec3(0, 0, 4), focal: 50, width: 16, height: 16))
        XCTAssertEqual(frame.rgb[0], 0.1 + 0.4, accuracy: 1e-5)
        XCTAssertEqual(frame.rgb[1], 0.2 + 0.4, accuracy: 1e-5)
        XCTAssertEqual(frame.rgb[2], 0.3 + 0.4, accuracy: 1e-5)
    }
}
