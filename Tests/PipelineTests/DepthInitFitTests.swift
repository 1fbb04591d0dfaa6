import Foundation
import Geometry
import Media
import Render
import Splats
import XCTest
@testable import Pipeline

/// A short fit of the rendered room walk-through (Scenes/room-walkthrough.yaml, small, with the
/// renderer's true depth) from depth points, from a sparse point set only, and from random splats.
/// Measured at 300 iterations (80 × 60, 21 training views, 3 held out): held-out PSNR 27.6 dB
/// from 3,660 depth points, 23.5 dB from 488 sparse points, 23.0 dB from 4,000 random splats
/// (16 views at 64 × 48 gave only 1.7 dB over sparse, too close). A 2 dB margin over both leaves room for float
/// differences, while depth points in the wrong place (a pose or pixel-convention error) start
/// the fit no better than random ones.
final class DepthInitFitTests: XCTestCase {
    func testDepthInitLiftsAShortFit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-depthfit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try ShippedRecipe.render("room-walkthrough.yaml", replacing: [("frames: 90", "frames: 24"), ("width: 320", "width: 80"),
                                                                      ("height: 240", "height: 60")], to: data)

        var o = FitOptions()
        o.iterations = 300
        o.initialSplats = 4000
        o.maxSplats = 16_000
        o.depthPoints = 4000
        o.previewFrames = 0
        o.checkpointEvery = 0
        o.threads = 2
        o.shDegreeInterval = 100
        o.densifyFrom = 100
        o.densifyEvery = 50
        o.opacityResetEvery = 0
        o.evaluationBackground = [0.05, 0.05, 0.05]

        let loaded = try FitData.load(data)
        let depth = try FitJob.run(loaded: loaded, data: data, output: root.appendingPathComponent("depth"), options: o, progress: nil)
        var off = o
        off.depthInit = false
        let random = try FitJob.run(loaded: loaded, data: data, output: root.appendingPathComponent("random"), options: off, progress: nil)
        // Sparse only: what structure from motion would give, 500 true surface points (the
        // training views' depth thinned hard), no depth maps.
        let (train, _) = FitJob.split(count: loaded.views.count, every: o.holdoutEvery)
        let sparse = try DepthPoints.points(views: train.map { loaded.views[$0] }, depth: train.map { loaded.depth[$0] },
                                            target: 500, minConfidence: 0.5)
        var sparseData = loaded
        sparseData.pointPositions = sparse.positions
        sparseData.pointColors = sparse.colors
        sparseData.depth = []
        let sparseOnly = try FitJob.run(loaded: sparseData, data: data, output: root.appendingPathComponent("sparse"), options: o, progress: nil)

        let d = try XCTUnwrap(depth.heldOut).psnr, r = try XCTUnwrap(random.heldOut).psnr, s = try XCTUnwrap(sparseOnly.heldOut).psnr
        print("held-out PSNR: depth init \(d) (\(depth.depthPoints) depth points), sparse only \(s) (\(sparse.count) points), random \(r)")
        XCTAssertEqual(depth.heldOutViews, 3)
        XCTAssertLessThanOrEqual(depth.depthPoints, 4000)
        XCTAssertGreaterThan(depth.depthPoints, 1000)
        XCTAssertEqual(depth.initialSplats, depth.depthPoints)
        XCTAssertEqual(random.depthPoints, 0)
        XCTAssertGreaterThan(d, r + 2)
        XCTAssertGreaterThan(d, s + 2)

        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("depth/report.json"))) as? [String: Any])
        let initial = try XCTUnwrap(report["initial_points"] as? [String: Any])
        XCTAssertEqual(initial["from_depth"] as? Int, depth.depthPoints)
        XCTAssertEqual(initial["total"] as? Int, depth.initialSplats)
    }
}
