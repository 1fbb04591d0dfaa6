import Estimate
import Foundation
import Geometry
import Media
import Pipeline
import Render
import XCTest

final class EstimateJobTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-estimate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// The handheld room walk-through (24 frames instead of 90, same path) from images to
    /// cameras with the focal started from the 60° prior (the truth is 75° across the long
    /// side): accuracy after a Sim(3) alignment, the files, and a rerun served from the cache.
    func testRoomWalkthroughFromImages() throws {
        let render = folder.appendingPathComponent("render")
        try ShippedRecipe.render("room-walkthrough.yaml", replacing: [("frames: 90", "frames: 24")], to: render)
        let truth = try TransformsFile.read(from: render.appendingPathComponent("cameras.json"))

        var options = EstimateOptions()
        options.features.maxKeypoints = 2048
        options.reconstruction.matchPlan = .sequential(overlap: 5)
        let out = folder.appendingPathComponent("estimate")
        let start = Date()
        let result = try EstimateJob.run(input: render.appendingPathComponent("images"), output: out, options: options)
        let elapsed = Date().timeIntervalSince(start)

        // Cameras as written, re-read from cameras.json, against the truth by file name.
        let written = try TransformsFile.read(from: out.appendingPathComponent("cameras.json"))
        var byName: [String: Camera] = [:]
        for frame in written.frames { byName[(frame.filePath as NSString).lastPathComponent] = frame.camera }
        let truthCameras = truth.frames.map(\.camera)
        let estimated = truth.frames.map { byName[($0.filePath as NSString).lastPathComponent] }
        let pairs = zip(estimated, truthCameras).compactMap { e, t in e.map { ($0, t) } }
        XCTAssertGreaterThanOrEqual(Double(pairs.count), 0.95 * Double(truthCameras.count))
        let alignment = try Similarity3.aligning(cameras: pairs.map(\.0), to: pairs.map(\.1))
        let centres = truthCameras.map(\.pose.center)
        let extent = length(centres.reduce(centres[0], pointwiseMax) - centres.reduce(centres[0], pointwiseMin))
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let rotation = median(pairs.map { e, t in Quaternion.angleBetween(alignment.apply(e.pose).rotation, t.pose.rotation) * 180 / .pi })
        let position = median(pairs.map { e, t in length(alignment.apply(e.pose.center) - t.pose.center) / extent })
        let focal = abs(pairs[0].0.intrinsics.fx / pairs[0].1.intrinsics.fx - 1)
        print(String(format: "room: %d/%d registered, median rotation %.3f°, position %.3f %%, focal %.2f %%, %.2f px, %.1f s",
                     pairs.count, truthCameras.count, rotation, 100 * position, 100 * focal, result.meanReprojectionError, elapsed) + " \(result.timings)")
        XCTAssertLessThan(rotation, 0.5)
        XCTAssertLessThan(position, 0.01)
        XCTAssertLessThan(focal, 0.02)
        XCTAssertLessThan(result.meanReprojectionError, 1)

        let camerasJSON = try Data(contentsOf: out.appendingPathComponent("cameras.json"))

        // The other outputs, read back independently.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        XCTAssertEqual(report["registered"] as? Int, result.model.registeredCount)
        XCTAssertEqual(report["images"] as? Int, 24)
        // PNG frames record no focal length: the estimate started from the 60° prior, and says so.
        let prior = try XCTUnwrap(report["focal_prior"] as? [String: Any])
        let longSide = Double(max(truthCameras[0].width, truthCameras[0].height))
        XCTAssertEqual(prior["pixels"] as? Double ?? 0, longSide / 2 / tan(30 * Double.pi / 180), accuracy: 1e-9)
        XCTAssertTrue((prior["source"] as? String ?? "").hasPrefix("field-of-view prior 60°"))
        let ply = try Data(contentsOf: out.appendingPathComponent("sparse.ply"))
        let header = String(decoding: ply.prefix(400), as: UTF8.self)
        XCTAssertTrue(header.contains("element vertex \(result.model.points.count)\n"))
        XCTAssertTrue(header.contains("property uchar red"))
        let headerEnd = ply.range(of: Data("end_header\n".utf8))!.upperBound
        XCTAssertEqual(ply.count - headerEnd, result.model.points.count * 15)
        let points3D = try String(contentsOf: out.appendingPathComponent("sparse/points3D.txt"), encoding: .utf8)
        XCTAssertEqual(points3D.split(separator: "\n").filter { !$0.hasPrefix("#") }.count, result.model.points.count)
        let images = try String(contentsOf: out.appendingPathComponent("sparse/images.txt"), encoding: .utf8)
        XCTAssertEqual(images.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") && $0.hasSuffix(".png") }.count,
                       result.model.registeredCount)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("images/frame_00000.png").path))

        // A rerun takes features, pairs, the model and (the model being the same) depth maps
        // from the cache and gives the same model; new depth settings recompute the maps.
        let depthFile = out.appendingPathComponent("depth/frame_00003.png")
        let depthBytes = try Data(contentsOf: depthFile)
        let again = try EstimateJob.run(input: render.appendingPathComponent("images"), output: out, options: options)
        XCTAssertEqual(again.cached, ["features", "matching", "mapping", "depth"])
        XCTAssertEqual(again.model, result.model)
        XCTAssertEqual(again.dense?.depthMaps, result.dense?.depthMaps)
        XCTAssertEqual(again.dense?.depthUnit, result.dense?.depthUnit)
        XCTAssertEqual(try Data(contentsOf: depthFile), depthBytes)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("cameras.json")), camerasJSON)
        options.depth.longSide = 160
        let smaller = try EstimateJob.run(input: render.appendingPathComponent("images"), output: out, options: options)
        XCTAssertEqual(smaller.cached, ["features", "matching", "mapping"])
        XCTAssertEqual(smaller.dense?.depthWidth, 160)
        XCTAssertEqual(try PNGFile.info(depthFile).width, 160)
    }

    /// Five copies of one frame: no camera motion, so no initial pair — an error that says so.
    func testIdenticalImagesFailClearly() throws {
        let recipe = try SceneRecipe.load(ShippedRecipe.scenes.appendingPathComponent("orbit-object.yaml"))
        let render = folder.appendingPathComponent("render")
        _ = try RenderJob.run(SceneRecipe(scene: recipe.scene, rig: .explicit([PlacedCamera(camera: recipe.rig.frames()[0].camera)]),
                                          settings: recipe.settings), output: render)
        let input = folder.appendingPathComponent("same")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for i in 0..<5 {
            try FileManager.default.copyItem(at: render.appendingPathComponent("images/frame_00000.png"),
                                             to: input.appendingPathComponent("copy\(i).png"))
        }
        XCTAssertThrowsError(try EstimateJob.run(input: input, output: folder.appendingPathComponent("out"))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("no camera motion") || text.contains("camera may not have moved"), text)
        }
    }

    /// Blank images have no keypoints: an error that says they look blank.
    func testBlankImagesFailClearly() throws {
        let input = folder.appendingPathComponent("blank")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for i in 0..<4 {
            try PNGFile.write(Image(width: 64, height: 48, channels: 3, fill: 0.5), to: input.appendingPathComponent("wall\(i).png"))
        }
        XCTAssertThrowsError(try EstimateJob.run(input: input, output: folder.appendingPathComponent("out"))) { error in
            XCTAssertTrue(String(describing: error).contains("blank"), String(describing: error))
        }
        let single = folder.appendingPathComponent("single")
        try FileManager.default.createDirectory(at: single, withIntermediateDirectories: true)
        try PNGFile.write(Image(width: 64, height: 48, channels: 3, fill: 0.5), to: single.appendingPathComponent("one.png"))
        XCTAssertThrowsError(try EstimateJob.run(input: single, output: folder.appendingPathComponent("out2"))) { error in
            XCTAssertTrue(String(describing: error).contains("at least 2"), String(describing: error))
        }
    }
}
