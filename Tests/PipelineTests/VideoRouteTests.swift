import Export
import Foundation
import Geometry
import Media
import Render
import XCTest
@testable import Pipeline

/// `vid2world VIDEO --out SCENE` on a short rendered walk-through.
final class VideoRouteTests: XCTestCase {

    func testVideoRouteWritesEveryFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-videoroute-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // The room walk-through: 20 frames of 200×150 (the recipe's path, fewer and smaller).
        let render = root.appendingPathComponent("render")
        try ShippedRecipe.render("room-walkthrough.yaml", replacing: [("frames: 90", "frames: 20"), ("width: 320", "width: 200"),
                                                                      ("height: 240", "height: 150"), ("supersample: 2", "supersample: 1")],
                                 to: render)
        let video = render.appendingPathComponent("render.mp4")

        var options = VideoRouteOptions()
        options.estimate.keyframeBudget = 10
        options.estimate.features.maxKeypoints = 2048
        options.estimate.reconstruction.matchPlan = .sequential(overlap: 3)
        options.fit.iterations = 30
        options.fit.depthPoints = 5000
        options.fit.previewFrames = 4
        options.fit.checkpointEvery = 0
        options.fit.threads = 2
        let scene = root.appendingPathComponent("scene")
        let result = try VideoRoute.run(input: video, output: scene, options: options)
        // The budget is a most: keyframes are spread by image motion over the 20 frames.
        XCTAssertLessThanOrEqual(result.estimate.images.count, 10)
        XCTAssertGreaterThanOrEqual(result.estimate.images.count, 5)
        XCTAssertEqual(result.estimate.model.registeredCount, result.estimate.images.count)

        // The splats started from the sparse points and the estimate's depth maps (as many,
        // before any densification).
        let cloud = try PLYFile.read(scene.appendingPathComponent("scene.ply"))
        XCTAssertEqual(cloud.count, result.fit.splats)
        XCTAssertGreaterThan(result.fit.depthPoints, 1000)
        XCTAssertLessThanOrEqual(result.fit.depthPoints, 5000)
        XCTAssertEqual(cloud.count, result.estimate.model.points.count + result.fit.depthPoints)
        // cameras.json names images relative to SCENE, as ideal pinholes (what the fit used):
        // the undistorted ones when the estimate resampled them, else the keyframes.
        let imageFolder = result.fitInput.hasPrefix("estimate/undistorted/images") ? "estimate/undistorted/images/" : "estimate/images/"
        let cameras = try TransformsFile.read(from: scene.appendingPathComponent("cameras.json"))
        XCTAssertEqual(cameras.frames.count, result.estimate.model.registeredCount)
        for frame in cameras.frames {
            XCTAssertTrue(frame.filePath.hasPrefix(imageFolder), frame.filePath)
            XCTAssertTrue(FileManager.default.fileExists(atPath: scene.appendingPathComponent(frame.filePath).path))
            XCTAssertTrue(frame.camera.intrinsics.distortion.isNone)
        }
        let preview = try VideoReader.probe(scene.appendingPathComponent("preview.mp4"))
        XCTAssertEqual([preview.width, preview.height, preview.frameCount], [200, 150, 4])
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: scene.appendingPathComponent("report.json"))) as! [String: Any]
        XCTAssertEqual(report["route"] as? String, "video")
        let stages = try XCTUnwrap(report["stages"] as? [String: Any])
        let estimate = try XCTUnwrap(stages["estimate"] as? [String: Any]), fit = try XCTUnwrap(stages["fit"] as? [String: Any])
        XCTAssertEqual(estimate["registered"] as? Int, result.estimate.model.registeredCount)
        XCTAssertEqual((estimate["settings"] as? [String: Any])?["keyframes"] as? Int, 10)
        XCTAssertEqual(fit["splats"] as? Int, result.fit.splats)
        XCTAssertEqual((report["notes"] as? [String])?.count, result.notes.count)
        // The estimate stays as the cache of a rerun (a shorter fit, say), which gets the same
        // cameras and so keeps the depth maps too.
        options.fit.iterations = 10
        let again = try VideoRoute.run(input: video, output: scene, options: options)
        XCTAssertEqual(again.estimate.cached, ["frames", "features", "matching", "mapping", "depth"])
        XCTAssertEqual(again.estimate.model, result.estimate.model)
        XCTAssertEqual(again.notes.count, result.notes.count, "\(again.notes) after \(result.notes)")
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(contentsOf: scene.appendingPathComponent("report.json"))) as? [String: Any])
            .flatMap { ($0["stages"] as? [String: Any])?["fit"] as? [String: Any] }?["iterations_run"] as? Int, 10)
    }
}
