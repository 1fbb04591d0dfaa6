import Estimate
import Foundation
import Geometry
import Media
import Pipeline
import Render
import XCTest

/// The dense outputs of `vid2world estimate` on the rendered room walk-through seen through a
/// barrel lens: undistorted images and a pinhole cameras.json the fit accepts, and depth maps
/// that match the renderer's true depth.
final class EstimateDenseTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-dense-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func psnr(_ a: Image, _ b: Image, margin: Int) -> Double {
        var sum = 0.0, count = 0
        for y in margin..<(a.height - margin) { for x in margin..<(a.width - margin) {
            for c in 0..<3 { let d = Double(a[x, y, c] - b[x, y, c]); sum += d * d }
            count += 3
        } }
        return 10 * log10(1 / (sum / Double(count)))
    }

    /// 20 frames (the recipe's 90-frame path), each resampled through a lens with k1 = −0.08
    /// (about 11 px at the corners). After estimation: the lens is recovered and removed (the
    /// undistorted images match the pinhole renders), cameras.json is pinhole and loads as fit
    /// data, and over confident pixels the depth (scaled by the Sim(3) that aligns the cameras)
    /// is within 3 % of the truth at the median, covering over half of each image.
    func testDistortedRoomGivesPinholeImagesAndDepth() throws {
        let render = folder.appendingPathComponent("render")
        try ShippedRecipe.render("room-walkthrough.yaml", replacing: [("frames: 90", "frames: 20")], to: render)
        let truth = try TransformsFile.read(from: render.appendingPathComponent("cameras.json"))
        let k = truth.frames[0].camera.intrinsics
        let lens = Intrinsics(fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy, distortion: Distortion(k1: -0.08))

        // The lens: each input pixel shows what the pinhole saw at its undistorted position.
        let input = folder.appendingPathComponent("input")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        var originals: [String: Image] = [:]
        for frame in truth.frames {
            let image = try PNGFile.read(render.appendingPathComponent(frame.filePath))
            let name = (frame.filePath as NSString).lastPathComponent
            originals[name] = image
            var pixels = [Float](repeating: 0, count: image.pixels.count)
            for y in 0..<image.height { for x in 0..<image.width {
                let p = lens.undistortPixel(Vec2(Double(x) + 0.5, Double(y) + 0.5))
                let u = min(max(p.x - 0.5, 0), Double(image.width - 1)), v = min(max(p.y - 0.5, 0), Double(image.height - 1))
                let x0 = min(Int(u), image.width - 2), y0 = min(Int(v), image.height - 2)
                let fu = Float(u - Double(x0)), fv = Float(v - Double(y0))
                for c in 0..<3 {
                    let top = image[x0, y0, c] * (1 - fu) + image[x0 + 1, y0, c] * fu
                    let bottom = image[x0, y0 + 1, c] * (1 - fu) + image[x0 + 1, y0 + 1, c] * fu
                    pixels[(y * image.width + x) * 3 + c] = top * (1 - fv) + bottom * fv
                }
            } }
            try PNGFile.write(Image(width: image.width, height: image.height, channels: 3, pixels: pixels), to: input.appendingPathComponent(name))
        }

        var options = EstimateOptions()
        options.features.maxKeypoints = 2048
        options.reconstruction.matchPlan = .sequential(overlap: 5)
        let out = folder.appendingPathComponent("estimate")
        let result = try EstimateJob.run(input: input, output: out, options: options)
        let dense = try XCTUnwrap(result.dense)
        print(String(format: "dense: k1 %.4f k2 %.4f (truth −0.08, 0), lens shift %.1f px, %d depth maps %d×%d, coverage %.1f %%, %.1f planes, depth %.1f s, undistort %.1f s",
                     result.model.intrinsics.k1, result.model.intrinsics.k2, dense.maxDistortionPixels, dense.depthMaps,
                     dense.depthWidth, dense.depthHeight, 100 * dense.depthCoverage, dense.depthPlanes, dense.depthSeconds, dense.undistortSeconds))
        XCTAssertTrue(dense.undistorted)
        XCTAssertEqual(result.model.intrinsics.k1, -0.08, accuracy: 0.01)

        // cameras.json: pinhole, pointing at the undistorted images, readable as fit data.
        let cameras = try TransformsFile.read(from: out.appendingPathComponent("cameras.json"))
        XCTAssertEqual(cameras.frames.count, result.model.registeredCount)
        XCTAssertGreaterThanOrEqual(cameras.frames.count, 19)
        var worstPSNR = Double.infinity
        for frame in cameras.frames {
            XCTAssertTrue(frame.camera.intrinsics.distortion.isNone)
            XCTAssertTrue(frame.filePath.hasPrefix("undistorted/images/"), frame.filePath)
            let undistorted = try PNGFile.read(out.appendingPathComponent(frame.filePath))
            worstPSNR = min(worstPSNR, psnr(undistorted, originals[(frame.filePath as NSString).lastPathComponent]!, margin: 4))
        }
        print(String(format: "undistorted vs pinhole renders: worst PSNR %.1f dB", worstPSNR))
        XCTAssertGreaterThan(worstPSNR, 28)
        let fitData = try FitData.load(out)
        XCTAssertEqual(fitData.views.count, cameras.frames.count)
        let colmap = try ColmapTextModel.read(folder: out.appendingPathComponent("undistorted/sparse"))
        XCTAssertTrue(colmap.images.allSatisfy { $0.camera.intrinsics.distortion.isNone })
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("undistorted/sparse/cameras.txt"), encoding: .utf8).contains("PINHOLE"))

        // Depth maps as written, re-read, against the true depth in the truth's scale.
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("cameras.json"))) as! [String: Any]
        let unit = try XCTUnwrap(root["depth_unit_scale_factor"] as? Double)
        let entries = try XCTUnwrap(root["frames"] as? [[String: Any]])
        let truthByName = Dictionary(uniqueKeysWithValues: truth.frames.map { (($0.filePath as NSString).lastPathComponent, $0) })
        let pairs = cameras.frames.map { ($0.camera, truthByName[($0.filePath as NSString).lastPathComponent]!.camera) }
        let scale = try Similarity3.aligning(cameras: pairs.map(\.0), to: pairs.map(\.1)).scale
        var errors: [Double] = [], coverages: [Double] = []
        for (entry, frame) in zip(entries, cameras.frames) {
            let depthPath = try XCTUnwrap(entry["depth_file_path"] as? String)
            let confidencePath = try XCTUnwrap(entry["depth_confidence_file_path"] as? String)
            let name = (frame.filePath as NSString).lastPathComponent
            let estimated = try PNGFile.readGray16(out.appendingPathComponent(depthPath))
            let confidence = try PNGFile.read(out.appendingPathComponent(confidencePath))
            let trueDepth = try PNGFile.readGray16(render.appendingPathComponent("depth").appendingPathComponent(name))
            XCTAssertEqual(estimated.width, trueDepth.width)
            XCTAssertEqual(confidence.width, estimated.width)
            var valid = 0
            for (p, (e, t)) in zip(estimated.values, trueDepth.values).enumerated() {
                XCTAssertEqual(e > 0, confidence.pixels[3 * p] > 0)
                guard e > 0 else { continue }
                valid += 1
                guard t > 0 else { continue }
                errors.append(abs(Double(e) * unit * scale / (Double(t) * RenderJob.depthUnit) - 1))
            }
            coverages.append(Double(valid) / Double(estimated.values.count))
        }
        errors.sort()
        coverages.sort()
        let median = errors[errors.count / 2]
        print(String(format: "depth vs truth: median error %.2f %%, 90th %.2f %%, coverage median %.1f %%, lowest %.1f %%",
                     100 * median, 100 * errors[errors.count * 9 / 10], 100 * coverages[coverages.count / 2], 100 * coverages[0]))
        XCTAssertLessThan(median, 0.03)
        XCTAssertGreaterThan(coverages[coverages.count / 2], 0.5)

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let depthReport = try XCTUnwrap(report["depth"] as? [String: Any])
        XCTAssertEqual(depthReport["count"] as? Int, cameras.frames.count)
        XCTAssertEqual((report["undistortion"] as? [String: Any])?["resampled"] as? Bool, true)
    }

    /// Without distortion worth removing and with depth turned off: cameras.json points at
    /// images/ with the (tiny) distortion dropped, and no depth folder.
    func testPinholeInputWithoutDepth() throws {
        let render = folder.appendingPathComponent("render")
        try ShippedRecipe.render("room-walkthrough.yaml", replacing: [("frames: 90", "frames: 10")], to: render)
        var options = EstimateOptions()
        options.features.maxKeypoints = 1024
        options.depth.enabled = false
        options.undistortionThreshold = 1
        let out = folder.appendingPathComponent("estimate")
        let result = try EstimateJob.run(input: render.appendingPathComponent("images"), output: out, options: options)
        let dense = try XCTUnwrap(result.dense)
        print(String(format: "pinhole input: lens shift %.3f px (k1 %.5f)", dense.maxDistortionPixels, result.model.intrinsics.k1))
        XCTAssertFalse(dense.undistorted)
        XCTAssertEqual(dense.depthMaps, 0)
        let cameras = try TransformsFile.read(from: out.appendingPathComponent("cameras.json"))
        XCTAssertTrue(cameras.frames.allSatisfy { $0.filePath.hasPrefix("images/") && $0.camera.intrinsics.distortion.isNone })
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("depth").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("undistorted").path))
        // `vid2world fit OUT` starts from the sparse points that cameras.json names.
        let loaded = try FitData.load(out)
        XCTAssertEqual(loaded.views.count, result.model.registeredCount)
        XCTAssertGreaterThan(result.model.points.count, 0)
        XCTAssertEqual(loaded.pointPositions, result.model.points.flatMap { [Float($0.position.x), Float($0.position.y), Float($0.position.z)] })
        XCTAssertEqual(loaded.pointColors.count, loaded.pointPositions.count)
    }
}
