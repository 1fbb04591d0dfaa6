import Foundation
import Geometry
import XCTest
@testable import Render

final class RecipeTests: XCTestCase {
    private let folder = packageRoot.appendingPathComponent("Scenes")

    private func parse(_ yaml: String, seed: UInt64 = 0) throws -> SceneRecipe {
        try SceneRecipe.parse(yaml: yaml, file: "/tmp/bad-recipe.yaml", folder: folder, seed: seed)
    }

    /// The error must name the recipe, the key path and the reason.
    private func assertRejected(_ yaml: String, key: String, reason: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(yaml), file: file, line: line) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("/tmp/bad-recipe.yaml"), "no recipe path in: \(text)", file: file, line: line)
            XCTAssertTrue(text.contains(key + ":"), "no key \(key) in: \(text)", file: file, line: line)
            XCTAssertTrue(text.contains(reason), "no reason '\(reason)' in: \(text)", file: file, line: line)
        }
    }

    private let camera = "camera: {orbit: {views: 2, width: 32, height: 32}}\n"

    func testWrongTypeIsRejectedWithKeyPath() {
        assertRejected("""
            objects:
              - sphere: {radius: 1}
              - box: {size: 1}
              - sphere: {radius: 0.5}
                texture: {kind: checker, scale: big}
            \(camera)
            """, key: "objects[2].texture.scale", reason: "expected a whole number, got \"big\"")
        assertRejected("objects: [{sphere: {radius: [1, 2]}}]\n" + camera,
                       key: "objects[0].sphere.radius", reason: "expected a number, got a list")
        assertRejected("objects: [{sphere: {radius: -2}}]\n" + camera,
                       key: "objects[0].sphere.radius", reason: "must be greater than 0")
        assertRejected("objects: [{box: {}, color: [1, 0]}]\n" + camera,
                       key: "objects[0].color", reason: "expected a colour")
    }

    func testMissingFileIsRejectedWithKeyPath() {
        assertRejected("objects: [{sphere: {}}, {mesh: assets/nowhere.obj}]\n" + camera,
                       key: "objects[1].mesh", reason: "file not found")
        assertRejected("objects: [{plane: {}, texture: {kind: image, file: missing.png}}]\n" + camera,
                       key: "objects[0].texture.file", reason: "file not found")
    }

    func testUnknownKeyIsRejectedWithKeyPath() {
        assertRejected("objects: [{sphere: {radius: 1, radios: 2}}]\n" + camera,
                       key: "objects[0].sphere.radios", reason: "unknown key")
        assertRejected("objects: [{sphere: {}}]\ncamera: {orbit: {views: 2, colour: 3}}\n",
                       key: "camera.orbit.colour", reason: "unknown key")
        assertRejected("objects: [{sphere: {}, texture: {kind: checker, file: a.png}}]\n" + camera,
                       key: "objects[0].texture.file", reason: "unknown key")
        assertRejected("objetcs: []\n" + camera, key: "objetcs", reason: "unknown key")
    }

    func testStructuralMistakesAreRejected() {
        assertRejected("objects: [{sphere: {}, box: {}}]\n" + camera, key: "objects[0]", reason: "more than one of: sphere, box")
        assertRejected("objects: [{color: 0.5}]\n" + camera, key: "objects[0]", reason: "needs one of")
        assertRejected("objects: [{sphere: {}}]\n", key: "camera", reason: "missing required key")
        assertRejected("objects: [{sphere: {}, keyframes: [{translate: [0, 0, 0]}]}]\n" + camera,
                       key: "objects[0].keyframes[0].time", reason: "missing required key")
        XCTAssertThrowsError(try parse("objects: [{sphere: {}\n")) { error in
            XCTAssertTrue(String(describing: error).contains("not a readable recipe"))
        }
    }

    func testEveryShippedRecipeLoads() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 4)
        for name in names {
            let recipe = try SceneRecipe.load(folder.appendingPathComponent(name), seed: 1)
            XCTAssertFalse(recipe.rig.frames().isEmpty, name)
            XCTAssertGreaterThan(recipe.scene.triangleCount, 0, name)
        }
    }

    func testRecipeValuesArriveInTheScene() throws {
        let recipe = try parse("""
            background: [0.1, 0.2, 0.3]
            lighting: {ambient: 0.5, directional: [{direction: [0, -2, 0], color: [1, 0.5, 0.25]}]}
            objects:
              - name: ball
                sphere: {radius: 2, segments: 8, rings: 4}
                color: [0.5, 0.5, 1]
                transform: {translate: [1, 2, 3], rotate: [0, 90, 0], scale: 2}
                keyframes:
                  - {time: 0, translate: [0, 0, 0]}
                  - {time: 2, translate: [4, 0, 0], color: [1, 0, 0]}
            camera:
              ring: {cameras: 3, radius: 5, width: 40, height: 30, times: {start: 0, end: 1, count: 5}}
            render: {supersample: 3, near: 0.5, fps: 10}
            """)
        XCTAssertEqual(recipe.scene.background, SIMD3(0.1, 0.2, 0.3))
        XCTAssertEqual(recipe.scene.lighting.lights.first?.direction, Vec3(0, -1, 0))
        XCTAssertEqual(recipe.settings, RenderSettings(supersample: 3, near: 0.5))
        XCTAssertEqual(recipe.fps, 10)
        let ball = recipe.scene.objects[0]
        XCTAssertEqual(ball.name, "ball")
        XCTAssertEqual(ball.parts[0].material.color, SIMD3(0.5, 0.5, 1))
        XCTAssertEqual(ball.animation.transform(at: 1).translation, Vec3(2, 0, 0))
        XCTAssertEqual(ball.animation.transform(at: 5).translation, Vec3(4, 0, 0))
        XCTAssertEqual(ball.animation.transform(at: 1).scale, Vec3(2, 2, 2))
        XCTAssertEqual(ball.animation.tint(at: 2), Vec3(1, 0, 0))
        let frames = recipe.rig.frames()
        XCTAssertEqual(frames.count, 15)
        XCTAssertEqual(frames.map(\.time).prefix(5), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(frames[0].camera.pose, frames[4].camera.pose)
        XCTAssertNotEqual(frames[0].camera.pose, frames[5].camera.pose)
        XCTAssertEqual(frames[7].camera.width, 40)
        XCTAssertEqual(length(frames[7].camera.pose.center), 5, accuracy: 1e-9)
    }

    /// The same recipe and seed render bit-identical frames; another seed changes the procedural object.
    func testSameRecipeAndSeedRenderIdenticalFrames() throws {
        let url = folder.appendingPathComponent("procedural-object.yaml")
        func firstFrame(_ seed: UInt64) throws -> RenderedFrame {
            var recipe = try SceneRecipe.load(url, seed: seed)
            let frame = recipe.rig.frames()[3]
            recipe.settings.supersample = 1
            var small = frame.camera
            small.width = 64; small.height = 64
            small.intrinsics = Intrinsics(fieldOfViewY: 40, width: 64, height: 64)
            return try Renderer(scene: recipe.scene, settings: recipe.settings).render(camera: small, time: frame.time)
        }
        let a = try firstFrame(5), b = try firstFrame(5), c = try firstFrame(6)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.rgb, c.rgb)
    }
}
