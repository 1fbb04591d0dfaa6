import Foundation
import Geometry
import Media
import XCTest
@testable import Render

final class RenderJobTests: XCTestCase {
    /// Render a small recipe end to end and read every output back with independent readers.
    func testJobWritesFramesDepthCamerasAndVideo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recipe = folder.appendingPathComponent("scene.yaml")
        try """
        # A plane 4 units in front of a 2-view orbit, transparent background.
        background: transparent
        objects:
          - sphere: {radius: 0.8}
            texture: {kind: checker, scale: 4}
          - plane: {size: [2, 2]}
            transform: {translate: [0, 0, -1.5], rotate: [90, 0, 0]}
            keyframes: [{time: 0, color: [1, 0, 0]}, {time: 1, color: [0, 1, 0]}]
        camera:
          orbit: {views: 3, radius: 4, elevation: 0, sweep: 40, fov: 40, width: 48, height: 40, fps: 2}
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        let summary = try RenderJob.run(recipe: recipe, output: output, seed: 0)
        XCTAssertEqual(summary.frames, 3)

        let cameras = try TransformsFile.read(from: output.appendingPathComponent("cameras.json"))
        XCTAssertEqual(cameras.frames.count, 3)
        XCTAssertEqual(cameras.frames.map(\.time), [0, 0.5, 1])
        let expected = try SceneRecipe.load(recipe).rig.frames()
        for (k, frame) in cameras.frames.enumerated() {
            XCTAssertLessThan(frame.camera.pose.rotation.maxAbsDifference(expected[k].camera.pose.rotation), 1e-9)
            XCTAssertEqual(frame.camera.intrinsics.fx, expected[k].camera.intrinsics.fx, accuracy: 1e-9)
            let image = try PNGFile.read(output.appendingPathComponent(frame.filePath))
            XCTAssertEqual(image.channels, 4)
            XCTAssertEqual(image.width, 48)
            // Depth PNG in millimetres equals the renderer's depth.
            let rendered = try Renderer(scene: try SceneRecipe.load(recipe).scene).render(expected[k])
            let depth = try PNGFile.readGray16(output.appendingPathComponent("depth/frame_0000\(k).png"))
            XCTAssertEqual(depth.values, rendered.depthMillimetres())
            let centre = 20 * 48 + 24
            XCTAssertEqual(Double(depth.values[centre]) * RenderJob.depthUnit, 4 - 0.8, accuracy: 0.01)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("cameras.json"))) as? [String: Any]
        XCTAssertEqual(json?["depth_unit_scale_factor"] as? Double, 0.001)
        let info = try VideoReader.probe(output.appendingPathComponent("render.mp4"))
        XCTAssertEqual(info.width, 48)
        // Nothing staged is left beside the output.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    func testFailedJobLeavesNoOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recipe = folder.appendingPathComponent("bad.yaml")
        try "objects: [{sphere: {}}]\ncamera: {explicit: {cameras: []}}\n".write(to: recipe, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RenderJob.run(recipe: recipe, output: folder.appendingPathComponent("out"))) { error in
            XCTAssertTrue(String(describing: error).contains("camera.explicit.cameras"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    func testMotionBlurAveragesSubFrames() throws {
        let scene = Scene(objects: [object(.box(size: Vec3(0.5, 0.5, 0.5)))], lighting: .unlit)
        let still = camera(eye: Vec3(0, 0, 3), focal: 40, width: 32, height: 32)
        let moved = camera(eye: Vec3(0.5, 0, 3), target: Vec3(0.5, 0, 0), focal: 40, width: 32, height: 32)
        let renderer = try Renderer(scene: scene, settings: RenderSettings(supersample: 1))
        let frame = RigFrame(camera: still, time: 0, shutter: [ShutterSample(camera: still, time: 0), ShutterSample(camera: moved, time: 0)])
        let blurred = try renderer.render(frame)
        let a = try renderer.render(camera: still), b = try renderer.render(camera: moved)
        for k in 0..<(32 * 32) {
            XCTAssertEqual(blurred.alpha[k], (a.alpha[k] + b.alpha[k]) / 2, accuracy: 1e-6)
            XCTAssertEqual(blurred.depth[k], a.depth[k])
        }
    }
}
