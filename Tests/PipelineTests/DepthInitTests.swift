import Export
import Foundation
import Geometry
import Media
import Render
import Splats
import XCTest
@testable import Pipeline

/// Splats initialised from depth maps: back-projection onto the true surface, voxel thinning,
/// a better start for a short fit, and clear errors for bad depth files.
final class DepthInitTests: XCTestCase {
    static let scenes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenes")
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-depthinit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A 4 × 4 textured floor at y = 0 seen from above at 35°, rendered with true depth.
    private func renderPlane(views: Int) throws -> URL {
        let yaml = """
        background: [0.1, 0.1, 0.1]
        objects:
          - name: floor
            plane: {size: [4, 4]}
            texture: {kind: noise, scale: 16, colors: [[0.9, 0.7, 0.4], [0.2, 0.3, 0.6]]}
        camera:
          orbit: {views: \(views), radius: 3, elevation: 35, fov: 40, width: 64, height: 48, target: [0, 0, 0]}
        render:
          supersample: 2
        """
        let data = root.appendingPathComponent("plane")
        _ = try RenderJob.run(try SceneRecipe.parse(yaml: yaml, file: "plane.yaml", folder: Self.scenes), output: data)
        return data
    }

    private func points(_ map: DepthPoints.Map, view: TrainingView) -> VoxelCloud {
        var builder = VoxelCloud.Builder(voxel: 1e-4)   // finer than the pixels: no merging
        DepthPoints.backProject(map, view: view, minConfidence: 0.5, into: &builder)
        return builder.build()
    }

    /// Every hit pixel of a rendered view lands on the plane (|y| within the millimetre depth
    /// steps, but for a few pixels on the plane's border that mix the plane and the background)
    /// and inside its square, at full size and at half size (each 2 × 2 block's depth from the
    /// mean inverse depth, exact at the block centre for a plane). The control: half-size depth
    /// from blocks one full pixel off (half a depth pixel) misses the plane by far more.
    func testRenderedDepthLandsOnThePlane() throws {
        let data = try FitData.load(try renderPlane(views: 3))
        XCTAssertEqual(data.depth.compactMap { $0 }.count, 3)
        XCTAssertEqual(data.depth[0]?.unit, RenderJob.depthUnit)
        for k in 0..<3 {
            let full = try DepthPoints.read(XCTUnwrap(data.depth[k]))
            XCTAssertEqual(full.width, 64)
            func halfSize(offset: Int) -> DepthPoints.Map {
                var half = DepthPoints.Map(width: 32, height: 24, depth: [Float](repeating: 0, count: 32 * 24), confidence: nil)
                for j in 0..<23 { for i in 0..<31 {
                    let block = [0, 1, 64, 65].map { full.depth[(2 * j + offset) * 64 + 2 * i + offset + $0] }
                    if block.allSatisfy({ $0 > 0 }) { half.depth[j * 32 + i] = 4 / block.map { 1 / $0 }.reduce(0, +) }
                } }
                return half
            }
            func offPlane(_ map: DepthPoints.Map, _ label: String) -> (mean: Float, p90: Float) {
                let cloud = points(map, view: data.views[k])
                XCTAssertEqual(cloud.count, map.depth.filter { $0 > 0 }.count, label)
                XCTAssertGreaterThan(cloud.count, map.depth.count / 3, label)
                var ys: [Float] = []
                for p in 0..<cloud.count {
                    ys.append(abs(cloud.positions[3 * p + 1]))
                    XCTAssertLessThanOrEqual(abs(cloud.positions[3 * p]), 2.05, label)
                    XCTAssertLessThanOrEqual(abs(cloud.positions[3 * p + 2]), 2.05, label)
                }
                ys.sort()
                let result = (ys.reduce(0, +) / Float(ys.count), ys[ys.count * 9 / 10])
                print("view \(k) \(label): \(cloud.count) points, |y| mean \(result.0) 90th percentile \(result.1) max \(ys.last!)")
                return result
            }
            for (map, label) in [(full, "full"), (halfSize(offset: 0), "half")] {
                let (mean, p90) = offPlane(map, label)
                XCTAssertLessThan(mean, 0.002, label)
                XCTAssertLessThan(p90, 0.001, label)
            }
            XCTAssertGreaterThan(offPlane(halfSize(offset: 1), "half, shifted").mean, 0.004)
        }
    }

    /// 20,000 seeded points on a unit sphere thinned to at most 1,000: the same result twice,
    /// within the bound and not far below it, every input point accounted for, and the merged
    /// points still on the sphere (a cell's mean sits inside it by the cell's sag only).
    func testVoxelThinningIsDeterministicAndBounded() {
        var rng = SeededGenerator(seed: 7)
        var builder = VoxelCloud.Builder(voxel: 0.01)
        for _ in 0..<20_000 {
            var v = (0..<3).map { _ in Float(rng.nextDouble(in: -1, 1)) }
            let length = (v.map { $0 * $0 }.reduce(0, +)).squareRoot()
            if length < 1e-3 { v = [1, 0, 0] } else { v = v.map { $0 / length } }
            builder.add(x: v[0], y: v[1], z: v[2], r: Float(rng.nextDouble()), g: 0.5, b: 0.5)
        }
        let fine = builder.build()
        let a = fine.thinned(toAtMost: 1000, voxel: 0.01), b = fine.thinned(toAtMost: 1000, voxel: 0.01)
        XCTAssertEqual(a.cloud, b.cloud)
        XCTAssertLessThanOrEqual(a.cloud.count, 1000)
        XCTAssertGreaterThan(a.cloud.count, 250)
        XCTAssertEqual(a.cloud.weights.reduce(0, +), 20_000, accuracy: 0.5)
        for p in 0..<a.cloud.count {
            let r = (0..<3).map { a.cloud.positions[3 * p + $0] }.map { $0 * $0 }.reduce(0, +).squareRoot()
            XCTAssertEqual(r, 1, accuracy: a.voxel, "point \(p)")
        }
        print("thinned to \(a.cloud.count) points, voxel \(a.voxel)")
    }

    /// A COLMAP model (as the video route fits from) takes its depth maps from the cameras.json
    /// beside it, matched by image stem (the model's ids run the other way); an image that file does not
    /// list has none.
    func testColmapModelFindsDepthBesideIt() throws {
        let data = try renderPlane(views: 3)
        let frames = try TransformsFile.read(from: data.appendingPathComponent("cameras.json")).frames
        let sparse = data.appendingPathComponent("sparse")
        try FileManager.default.createDirectory(at: sparse, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: data.appendingPathComponent("images/frame_00000.png"),
                                         to: data.appendingPathComponent("images/extra.png"))
        var cameras = "", images = ""
        for (k, frame) in frames.enumerated().reversed() + [(3, frames[0])] {
            let c = frame.camera, q = Quaternion(rotation: c.pose.rotation), t = c.pose.translation
            cameras += "\(k + 1) PINHOLE \(c.width) \(c.height) \(c.intrinsics.fx) \(c.intrinsics.fy) \(c.intrinsics.cx) \(c.intrinsics.cy)\n"
            let name = k == 3 ? "extra.png" : URL(fileURLWithPath: frame.filePath).lastPathComponent
            images += "\(k + 1) \(q.w) \(q.x) \(q.y) \(q.z) \(t.x) \(t.y) \(t.z) \(k + 1) \(name)\n\n"
        }
        try cameras.write(to: sparse.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        try images.write(to: sparse.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try "".write(to: sparse.appendingPathComponent("points3D.txt"), atomically: true, encoding: .utf8)

        let loaded = try FitData.loadColmap(sparse, folder: data)
        XCTAssertEqual(loaded.views.map(\.name).sorted(), ["extra.png", "frame_00000.png", "frame_00001.png", "frame_00002.png"])
        for (view, depth) in zip(loaded.views, loaded.depth) {
            if view.name == "extra.png" { XCTAssertNil(depth); continue }
            XCTAssertEqual(depth?.depth.path, data.appendingPathComponent("depth").appendingPathComponent(view.name).path)
            XCTAssertEqual(depth?.unit, RenderJob.depthUnit)
        }
        XCTAssertTrue(loaded.depth.allSatisfy { $0?.confidence == nil })
    }

    /// The CLI: depth points by default (its line and report.json say how many), none with
    /// --no-depth-init.
    func testCommandLineSwitch() throws {
        let data = try renderPlane(views: 3)
        for (flags, fromDepth) in [([String](), true), (["--no-depth-init"], false)] {
            let out = root.appendingPathComponent("scene-\(fromDepth)")
            let result = try CLIProcess.run(["fit", data.path, "--out", out.path, "--iterations", "2", "--preview-frames", "0",
                                             "--initial-splats", "300", "--holdout-every", "0"] + flags)
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
            let initial = try XCTUnwrap(report["initial_points"] as? [String: Any])
            let depthPoints = try XCTUnwrap(initial["from_depth"] as? Int)
            XCTAssertEqual((report["settings"] as? [String: Any])?["depth_init"] as? Bool, fromDepth)
            if fromDepth {
                XCTAssertGreaterThan(depthPoints, 1000)
                XCTAssertEqual(initial["total"] as? Int, depthPoints)
                XCTAssertTrue(result.stderr.contains("(\(depthPoints) from depth)"), result.stderr)
            } else {
                XCTAssertEqual(depthPoints, 0)
                XCTAssertEqual(initial["total"] as? Int, 300)
            }
        }
    }

    /// A missing or unreadable depth map stops the fit with an error naming the file; without
    /// depth initialisation the same data fits.
    func testBadDepthFilesAreNamed() throws {
        let data = try renderPlane(views: 3)
        var options = FitOptions()
        options.iterations = 2
        options.previewFrames = 0
        options.checkpointEvery = 0
        options.holdoutEvery = 0
        options.initialSplats = 200
        let depth = data.appendingPathComponent("depth")
        try FileManager.default.removeItem(at: depth.appendingPathComponent("frame_00001.png"))
        try Data("not a png".utf8).write(to: depth.appendingPathComponent("frame_00002.png"))
        for (damaged, repair) in [("frame_00001.png", false), ("frame_00002.png", true)] {
            XCTAssertThrowsError(try FitJob.run(data: data, output: root.appendingPathComponent("scene"), options: options, progress: nil)) {
                let text = String(describing: $0)
                XCTAssertTrue(text.contains(depth.appendingPathComponent(damaged).path), text)
                XCTAssertTrue(text.contains("depth map"), text)
            }
            if repair { break }
            try FileManager.default.copyItem(at: depth.appendingPathComponent("frame_00000.png"), to: depth.appendingPathComponent(damaged))
        }
        options.depthInit = false
        let result = try FitJob.run(data: data, output: root.appendingPathComponent("scene"), options: options, progress: nil)
        XCTAssertEqual(result.depthPoints, 0)
        XCTAssertEqual(result.initialSplats, 200)
    }

    /// A cameras file's `ply_file_path` (nerfstudio's initial points) starts the fit from those
    /// points; a missing or broken file is named.
    func testPointsNamedByTheCamerasFile() throws {
        let data = try renderPlane(views: 3)
        let url = data.appendingPathComponent("cameras.json")
        var root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        root["ply_file_path"] = "points.ply"
        try JSONSerialization.data(withJSONObject: root).write(to: url)
        XCTAssertThrowsError(try FitData.load(data)) {
            XCTAssertTrue("\($0)".contains(data.appendingPathComponent("points.ply").path) && "\($0)".contains("missing"), "\($0)")
        }
        try Data("ply\nformat binary_little_endian 1.0\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\nend_header\n".utf8)
            .write(to: data.appendingPathComponent("points.ply"))
        XCTAssertThrowsError(try FitData.load(data)) { XCTAssertTrue("\($0)".contains("points.ply") && "\($0)".contains("truncated"), "\($0)") }
        try PointCloudFile.write(positions: [0.5, 0, 0.25, -1, 0, 1], colours: [255, 0, 0, 0, 255, 0], to: data.appendingPathComponent("points.ply"))
        let loaded = try FitData.load(data)
        XCTAssertEqual(loaded.pointPositions, [0.5, 0, 0.25, -1, 0, 1])
        XCTAssertEqual(loaded.pointColors, [1, 0, 0, 0, 1, 0])
        var options = FitOptions()
        options.iterations = 1
        options.previewFrames = 0
        options.checkpointEvery = 0
        options.holdoutEvery = 0
        options.depthInit = false
        XCTAssertEqual(try FitJob.run(data: data, output: self.root.appendingPathComponent("scene"), options: options, progress: nil).initialSplats, 2)
    }
}
