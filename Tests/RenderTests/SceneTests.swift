import Foundation
import Geometry
import Media
import XCTest
@testable import Render

final class SceneTests: XCTestCase {
    func testShippedObjAssetLoadsWithMaterialsTextureAndVertexColours() throws {
        let url = packageRoot.appendingPathComponent("Scenes/assets/crate/crate.obj")
        let parts = try ObjFile.load(url)
        XCTAssertEqual(parts.count, 2)  // wood, steel
        let wood = parts[0], steel = parts[1]
        XCTAssertEqual(wood.mesh.triangleCount, 12)
        XCTAssertEqual(steel.mesh.triangleCount, 16)
        XCTAssertEqual(wood.material.texture?.width, 128)
        XCTAssertEqual(wood.material.texture?.height, 128)
        XCTAssertNil(steel.material.texture)
        XCTAssertEqual(steel.material.color.x, 0.8, accuracy: 1e-6)
        XCTAssertEqual(steel.material.color.z, 0.85, accuracy: 1e-6)
        // The bands are darker at the bottom through vertex colours.
        XCTAssertTrue(steel.mesh.colors.contains { abs($0 - 0.7) < 1e-6 })
        // The texture matches the PNG as an independent reader decodes it.
        let png = try PNGFile.read(url.deletingLastPathComponent().appendingPathComponent("crate.png"))
        XCTAssertEqual(wood.material.texture?.pixels[0...2].map { $0 }, Array(png.pixels[0..<3]))
        try wood.mesh.validate(name: "wood")
    }

    /// An OBJ written here: a quad with a texture and a triangle with vertex colours and no normals.
    func testObjWithoutNormalsAndWithoutMaterialsLoads() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        v 0 0 0 1 0 0
        v 1 0 0 0 1 0
        v 0 1 0 0 0 1
        v 1 1 0 1 1 1
        f 1 2 4 3
        """.write(to: folder.appendingPathComponent("quad.obj"), atomically: true, encoding: .utf8)
        let parts = try ObjFile.load(folder.appendingPathComponent("quad.obj"))
        XCTAssertEqual(parts.count, 1)
        XCTAssertEqual(parts[0].mesh.triangleCount, 2)
        XCTAssertEqual(Array(parts[0].mesh.colors[0..<3]), [1, 0, 0])
        XCTAssertTrue(parts[0].mesh.normals.allSatisfy { $0 == 0 })  // face normals at render time
        // It renders: seen from +z the quad covers the expected pixels.
        let scene = Scene(objects: [SceneObject(name: "quad", parts: parts)], lighting: .unlit)
        let frame = try Renderer(scene: scene, settings: RenderSettings(supersample: 1))
            .render(camera: camera(eye: Vec3(0.5, 0.5, 2), target: Vec3(0.5, 0.5, 0), focal: 40, width: 40, height: 40))
        XCTAssertEqual(frame.alpha.reduce(0, +), 400, accuracy: 1)
    }

    func testMissingMaterialLibraryOrTextureIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "mtllib gone.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nusemtl a\nf 1 2 3\n"
            .write(to: folder.appendingPathComponent("a.obj"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ObjFile.load(folder.appendingPathComponent("a.obj")))
        try "newmtl a\nKd 1 1 1\nmap_Kd nothing.png\n".write(to: folder.appendingPathComponent("b.mtl"), atomically: true, encoding: .utf8)
        try "mtllib b.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nusemtl a\nf 1 2 3\n"
            .write(to: folder.appendingPathComponent("b.obj"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ObjFile.load(folder.appendingPathComponent("b.obj"))) { error in
            XCTAssertTrue(String(describing: error).contains("nothing.png"))
        }
    }

    /// Closed primitives are wound outward: every face normal points away from the centre.
    func testPrimitivesAreClosedAndWoundOutward() {
        let shapes: [Primitive] = [.sphere(radius: 1, segments: 12, rings: 6), .box(size: Vec3(1, 2, 3)),
                                   .cylinder(radius: 1, height: 2, segments: 10), .cone(radius: 1, height: 2, segments: 10)]
        for shape in shapes {
            let m = shape.mesh()
            var signedVolume = 0.0
            for t in 0..<m.triangleCount {
                func p(_ k: Int) -> Vec3 {
                    let i = 3 * Int(m.indices[3 * t + k])
                    return Vec3(Double(m.positions[i]), Double(m.positions[i + 1]), Double(m.positions[i + 2]))
                }
                signedVolume += dot(p(0), cross(p(1), p(2))) / 6
            }
            // Outward winding gives a positive enclosed volume close to the analytic one.
            let expected: Double
            switch shape {
            case .sphere: expected = 4 / 3 * Double.pi
            case .box: expected = 6
            case .cylinder: expected = 2 * Double.pi
            default: expected = 2 * Double.pi / 3
            }
            XCTAssertEqual(signedVolume, expected, accuracy: 0.2 * expected, "\(shape)")
            XCTAssertGreaterThan(signedVolume, 0, "\(shape)")
        }
        // The torus volume is 2π²Rr².
        let torus = Primitive.torus(majorRadius: 1, minorRadius: 0.25, segments: 48, sides: 24).mesh()
        var volume = 0.0
        for t in 0..<torus.triangleCount {
            func p(_ k: Int) -> Vec3 {
                let i = 3 * Int(torus.indices[3 * t + k])
                return Vec3(Double(torus.positions[i]), Double(torus.positions[i + 1]), Double(torus.positions[i + 2]))
            }
            volume += dot(p(0), cross(p(1), p(2))) / 6
        }
        XCTAssertEqual(volume, 2 * Double.pi * Double.pi * 0.0625, accuracy: 0.02)
    }

    func testProceduralTexturesTileAndFollowTheirScale() {
        let checker = ProceduralTexture.checker(scale: 4, colors: [SIMD3(1, 1, 1), SIMD3(0, 0, 0)]).texture(resolution: 64)
        // 4 squares per side: pixel 0 and pixel 16 are different colours, pixel 32 like pixel 0.
        XCTAssertEqual(checker.pixels[0], 1); XCTAssertEqual(checker.pixels[3 * 16], 0); XCTAssertEqual(checker.pixels[3 * 32], 1)
        let noise = ProceduralTexture.noise(scale: 4, seed: 9, colors: [SIMD3(0, 0, 0), SIMD3(1, 1, 1)]).texture(resolution: 64)
        let other = ProceduralTexture.noise(scale: 4, seed: 10, colors: [SIMD3(0, 0, 0), SIMD3(1, 1, 1)]).texture(resolution: 64)
        XCTAssertNotEqual(noise, other)
        // Wrap-around: the last column continues into the first as smoothly as neighbours inside do.
        var seam = 0.0, inside = 0.0
        for y in 0..<64 {
            seam += Double(abs(noise.pixels[3 * (y * 64 + 63)] - noise.pixels[3 * (y * 64)]))
            inside += Double(abs(noise.pixels[3 * (y * 64 + 31)] - noise.pixels[3 * (y * 64 + 32)]))
        }
        XCTAssertLessThan(seam, 3 * inside + 0.5)
    }

    func testProceduralObjectsAreDeterministicDistinctAndFitTheUnitSphere() {
        let a = ProceduralObject.generate(seed: 42), b = ProceduralObject.generate(seed: 42)
        XCTAssertEqual(a, b)
        var signatures = Set<Int>()
        for seed in UInt64(0)..<20 {
            let object = ProceduralObject.generate(seed: seed)
            XCTAssertTrue((2...6).contains(object.parts.count))
            var farthest = 0.0
            for part in object.parts {
                let m = part.mesh
                for v in 0..<m.vertexCount {
                    let p = part.placement.apply(Vec3(Double(m.positions[3 * v]), Double(m.positions[3 * v + 1]), Double(m.positions[3 * v + 2])))
                    farthest = max(farthest, length(p))
                }
            }
            XCTAssertLessThanOrEqual(farthest, 1 + 1e-6)
            XCTAssertGreaterThan(farthest, 0.5)
            signatures.insert(object.parts.map { $0.mesh.vertexCount }.hashValue ^ Int(object.parts[0].material.color.x * 1000))
        }
        XCTAssertGreaterThan(signatures.count, 15)
    }

    func testKeyframesInterpolateEachChannelSeparately() {
        let animation = Animation(base: ObjectTransform(translation: Vec3(9, 9, 9)), keyframes: [
            Keyframe(time: 2, rotationDegrees: Vec3(0, 720, 0)),
            Keyframe(time: 0, rotationDegrees: Vec3(0, 0, 0), tint: Vec3(1, 0, 0)),
            Keyframe(time: 1, tint: Vec3(0, 0, 1)),
        ])
        XCTAssertEqual(animation.transform(at: 0.5).rotationDegrees, Vec3(0, 180, 0))
        XCTAssertEqual(animation.transform(at: -1).rotationDegrees, Vec3(0, 0, 0))
        XCTAssertEqual(animation.transform(at: 3).rotationDegrees, Vec3(0, 720, 0))
        XCTAssertEqual(animation.transform(at: 1).translation, Vec3(9, 9, 9))
        XCTAssertEqual(animation.tint(at: 0.25), Vec3(0.75, 0, 0.25))
        XCTAssertEqual(animation.tint(at: 1.5), Vec3(0, 0, 1))
    }

    /// The handheld path passes through its waypoints, moves smoothly and is reproducible.
    func testHandheldPathIsSmoothAndSeeded() {
        func path(_ seed: UInt64) -> HandheldPath {
            HandheldPath(frameCount: 31, fps: 30, width: 64, height: 48, fieldOfViewYDegrees: 60,
                         waypoints: [Vec3(0, 1.5, 0), Vec3(1, 1.5, -1), Vec3(2, 1.5, 0)], lookAt: Vec3(1, 1, -3),
                         wanderMetres: 0.05, shakeDegrees: 0.5, blurSamples: 3, shutter: 0.5, seed: seed)
        }
        let frames = path(1).frames()
        XCTAssertEqual(frames.count, 31)
        XCTAssertEqual(frames, path(1).frames())
        XCTAssertNotEqual(frames[10].camera.pose, path(2).frames()[10].camera.pose)
        XCTAssertLessThan(length(frames[0].camera.pose.center - Vec3(0, 1.5, 0)), 0.05 * 1.8 + 1e-9)
        XCTAssertLessThan(length(frames[30].camera.pose.center - Vec3(2, 1.5, 0)), 0.05 * 1.8 + 1e-9)
        for i in 1..<frames.count {
            let step = length(frames[i].camera.pose.center - frames[i - 1].camera.pose.center)
            XCTAssertLessThan(step, 0.2)
            XCTAssertEqual(frames[i].shutter.count, 3)
            XCTAssertEqual(frames[i].shutter[1].time, frames[i].time, accuracy: 1e-12)
        }
        // Still looking roughly at the point of interest despite the shake.
        let toTarget = normalize(Vec3(1, 1, -3) - frames[15].camera.pose.center)
        XCTAssertGreaterThan(dot(frames[15].camera.forward, toTarget), 0.99)
    }
}
