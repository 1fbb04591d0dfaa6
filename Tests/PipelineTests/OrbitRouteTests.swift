import Export
import Foundation
import Generate
import Geometry
import Media
import XCTest
@testable import Pipeline

/// `vid2world IMAGE --orbit` and `vid2world generate` with a small random-weight model.
final class OrbitRouteTests: XCTestCase {
    private var root: URL!
    private var weights: URL { root.appendingPathComponent("weights") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-orbit-\(UUID().uuidString)")
        try TinyOrbitModel.write(to: weights)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A photo-like input: an orange box on a plain grey-blue background, off centre.
    private func writeObject() throws -> URL {
        var image = Image(width: 120, height: 90, channels: 3, fill: 0)
        for y in 0..<90 {
            for x in 0..<120 {
                let inside = x >= 60 && x < 100 && y >= 20 && y < 70
                let colour: [Float] = inside ? [0.9, 0.5, 0.1] : [0.7, 0.75, 0.8]
                for k in 0..<3 { image[x, y, k] = colour[k] }
            }
        }
        let url = root.appendingPathComponent("object.png")
        try PNGFile.write(image, to: url)
        return url
    }

    func testOrbitRouteWritesEveryFile() throws {
        let input = try writeObject()
        let scene = root.appendingPathComponent("scene")
        var options = OrbitRouteOptions()
        options.generate.weights = weights
        options.generate.steps = 2
        options.fit.iterations = 40
        options.fit.initialSplats = 300
        options.fit.densifyFrom = 20
        options.fit.densifyEvery = 10
        options.fit.previewFrames = 5
        options.fit.previewLongSide = 48
        options.fit.threads = 2
        let result = try OrbitRoute.run(image: input, output: scene, options: options)
        XCTAssertEqual(result.generate.views.count, TinyOrbitModel.views)

        // The splats, re-read by Export's reader.
        let cloud = try PLYFile.read(scene.appendingPathComponent("scene.ply"))
        XCTAssertEqual(cloud.count, result.fit.splats)
        XCTAssertGreaterThan(cloud.count, 0)
        // The cameras: one per view, at the model's rig, with the images beside them.
        let cameras = try TransformsFile.read(from: scene.appendingPathComponent("cameras.json"))
        XCTAssertEqual(cameras.frames.count, TinyOrbitModel.views)
        for (k, frame) in cameras.frames.enumerated() {
            let view = try ImageFile.read(scene.appendingPathComponent(frame.filePath))
            XCTAssertEqual([view.width, view.height, view.channels], [16, 16, 4])
            let centre = frame.camera.pose.center
            XCTAssertEqual((centre * centre).sum().squareRoot(), 3.2, accuracy: 1e-9)
            XCTAssertEqual(asin(centre.y / 3.2) * 180 / .pi, 20, accuracy: 1e-9)
            let azimuth = atan2(centre.x, centre.z) * 180 / .pi
            XCTAssertEqual(cos((azimuth - Double(k) * 90) * .pi / 180), 1, accuracy: 1e-9)
        }
        // The clips, probed by the video reader: orbit.mp4 upscaled 16 → 256, preview at 48.
        let orbit = try VideoReader.probe(scene.appendingPathComponent("orbit.mp4"))
        XCTAssertEqual([orbit.width, orbit.height, orbit.frameCount], [256, 256, TinyOrbitModel.views])
        let preview = try VideoReader.probe(scene.appendingPathComponent("preview.mp4"))
        XCTAssertEqual([preview.width, preview.height, preview.frameCount], [48, 48, 5])
        // The input the model saw, and one report with both stages.
        let framed = try ImageFile.read(scene.appendingPathComponent("input.png"))
        XCTAssertEqual([framed.width, framed.channels], [16, 4])
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: scene.appendingPathComponent("report.json"))) as! [String: Any]
        XCTAssertEqual(report["route"] as? String, "orbit")
        let stages = try XCTUnwrap(report["stages"] as? [String: Any])
        let generate = try XCTUnwrap(stages["generate"] as? [String: Any]), fit = try XCTUnwrap(stages["fit"] as? [String: Any])
        XCTAssertEqual((generate["cutout"] as? [String: Any])?["method"] as? String, "background")
        let sampler = try XCTUnwrap(generate["settings"] as? [String: Any])  // the tiny config names no sampler: the plain one
        XCTAssertEqual(sampler["noise_scale"] as? Double, 1); XCTAssertEqual(sampler["readout_t"] as? Double, 0)
        XCTAssertEqual(sampler["samples"] as? Int, 1)
        XCTAssertEqual(fit["splats"] as? Int, result.fit.splats)
        XCTAssertEqual((fit["settings"] as? [String: Any])?["iterations"] as? Int, 40)
        XCTAssertNotNil((report["timings_seconds"] as? [String: Any])?["total"])
        // The fit learnt the framed input itself at the input's camera (view 0), the generated
        // views elsewhere; with another input elevation no view has the input's camera.
        XCTAssertEqual((report["notes"] as? [String])?.count, 1)
        let (fitData, notes) = try OrbitRoute.fitData(scene, generated: result.generate, options: options.generate)
        XCTAssertEqual(notes.count, 1)
        XCTAssertEqual(fitData.views[0].pixels, try ImageFile.read(scene.appendingPathComponent("input.png")).bytes())
        XCTAssertNotEqual(fitData.views[0].pixels, try ImageFile.read(scene.appendingPathComponent(cameras.frames[0].filePath)).bytes())
        for k in 1..<fitData.views.count {
            XCTAssertEqual(fitData.views[k].pixels, try ImageFile.read(scene.appendingPathComponent(cameras.frames[k].filePath)).bytes())
        }
        var tilted = options.generate
        tilted.inputElevation = 35
        XCTAssertNil(OrbitRoute.inputView(result.generate, options: tilted))
        // Nothing left behind by the staging.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    /// Multi-view mode: two rings (20° and 35°), each of two interleaved clips, in one
    /// cameras.json; the same seed gives the same views, another seed other views.
    func testGenerateRingsAndSeeds() throws {
        let input = try writeObject()
        var options = GenerateOptions()
        options.weights = weights
        options.steps = 2
        options.views = 8
        options.clips = 2
        let out = root.appendingPathComponent("clip")
        let result = try GenerateJob.run(image: input, output: out, options: options)
        let cameras = try TransformsFile.read(from: out.appendingPathComponent("cameras.json"))
        XCTAssertEqual(cameras.frames.count, 16)
        let elevations = cameras.frames.map { asin($0.camera.pose.center.y / 3.2) * 180 / .pi }
        for e in elevations.prefix(8) { XCTAssertEqual(e, 20, accuracy: 1e-9) }
        for e in elevations.suffix(8) { XCTAssertEqual(e, 35, accuracy: 1e-9) }
        let azimuths = cameras.frames.prefix(8).map { atan2($0.camera.pose.center.x, $0.camera.pose.center.z) * 180 / .pi }
        for (k, a) in azimuths.enumerated() { XCTAssertEqual(cos((a - Double(k) * 45) * .pi / 180), 1, accuracy: 1e-9) }
        XCTAssertEqual(try VideoReader.probe(out.appendingPathComponent("orbit.mp4")).frameCount, 16)

        let again = try GenerateJob.run(image: input, output: root.appendingPathComponent("again"), options: options)
        XCTAssertEqual(again.views, result.views)
        options.seed = 1
        let other = try GenerateJob.run(image: input, output: root.appendingPathComponent("other"), options: options)
        XCTAssertNotEqual(other.views[0], result.views[0])

        options.views = 6
        XCTAssertThrowsError(try GenerateJob.run(image: input, output: root.appendingPathComponent("bad"), options: options)) { error in
            XCTAssertTrue(String(describing: error).contains("--views"), String(describing: error))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("bad").path))
    }

    /// A weights folder with a refiner: the views are refined (they differ from the plain
    /// model's from the same seed) and report.json says so; half a refiner is an error that
    /// names the missing file and leaves no output.
    func testGenerateUsesTheRefinerWhenPresent() throws {
        let input = try writeObject()
        var options = GenerateOptions()
        options.weights = weights
        options.steps = 2
        let plain = try GenerateJob.run(image: input, output: root.appendingPathComponent("plain"), options: options)
        XCTAssertNil(plain.refiner)
        var report = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("plain/report.json"))) as! [String: Any]
        XCTAssertTrue(report["refiner"] is NSNull)

        try TinyOrbitModel.writeRefiner(to: weights, width: 4, layers: 2)
        let refined = try GenerateJob.run(image: input, output: root.appendingPathComponent("refined"), options: options)
        XCTAssertEqual(refined.refiner?.layers, 2)
        XCTAssertEqual(refined.views.count, plain.views.count)
        XCTAssertNotEqual(refined.views[1], plain.views[1])
        report = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("refined/report.json"))) as! [String: Any]
        let entry = try XCTUnwrap(report["refiner"] as? [String: Any])
        XCTAssertEqual(entry["layers"] as? Int, 2)
        XCTAssertEqual(entry["width"] as? Int, 4)
        XCTAssertEqual(entry["strength"] as? Double, 1)
        XCTAssertEqual(entry["dilations"] as? [Int], [1, 1])
        XCTAssertEqual(entry["weights"] as? String, OrbitWeights(folder: weights).refinerWeights.path)

        try FileManager.default.removeItem(at: weights.appendingPathComponent("refiner.safetensors"))
        let bad = root.appendingPathComponent("half")
        XCTAssertThrowsError(try GenerateJob.run(image: input, output: bad, options: options)) { error in
            XCTAssertTrue(String(describing: error).contains("refiner.safetensors"), String(describing: error))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
    }

    /// --weights, then VID2WORLD_WEIGHTS, then the resource folder beside the executable; a
    /// folder given explicitly is never silently replaced by another.
    func testWeightsLookup() throws {
        let bin = root.appendingPathComponent("bin")
        let shipped = bin.appendingPathComponent("vid2world_Generate.resources/orbit-dit")
        try TinyOrbitModel.write(to: shipped)
        let executable = bin.appendingPathComponent("vid2world")
        XCTAssertEqual(try OrbitWeights.locate(explicit: nil, environment: [:], executable: executable).folder.path, shipped.standardizedFileURL.path)
        XCTAssertEqual(try OrbitWeights.locate(explicit: weights, environment: [:], executable: executable).folder.path, weights.standardizedFileURL.path)
        XCTAssertEqual(try OrbitWeights.locate(explicit: nil, environment: ["VID2WORLD_WEIGHTS": weights.path], executable: executable).folder.path,
                       weights.standardizedFileURL.path)
        let missing = root.appendingPathComponent("nowhere")
        XCTAssertThrowsError(try OrbitWeights.locate(explicit: nil, environment: ["VID2WORLD_WEIGHTS": missing.path], executable: executable)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains(missing.path) && text.contains("VID2WORLD_WEIGHTS") && !text.contains(shipped.path), text)
        }
        // Without a complete bundle: the source tree's checkpoint if one is committed, else an
        // error naming every place looked at.
        try FileManager.default.removeItem(at: shipped.appendingPathComponent("config.json"))
        let source = OrbitWeights.defaultPlaces(executable: nil).map { OrbitWeights(folder: $0.folder.standardizedFileURL) }
        if let committed = source.first(where: { FileManager.default.fileExists(atPath: $0.weights.path) && FileManager.default.fileExists(atPath: $0.config.path) }) {
            XCTAssertEqual(try OrbitWeights.locate(explicit: nil, environment: [:], executable: executable).folder.path, committed.folder.path)
        } else {
            XCTAssertThrowsError(try OrbitWeights.locate(explicit: nil, environment: [:], executable: executable)) { error in
                let text = String(describing: error)
                XCTAssertTrue(text.contains(shipped.path) && text.contains("no config.json") && text.contains("source tree"), text)
            }
        }
    }
}
