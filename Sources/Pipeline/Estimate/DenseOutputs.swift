import Estimate
import Foundation
import Geometry
import Media
import Reporting

/// What the dense step of an estimate run wrote (report.json "undistortion" and "depth").
public struct DenseSummary: Sendable {
    /// Largest shift the estimated lens distortion causes in the image, in pixels, and whether
    /// it was above the threshold so the images were resampled to a pinhole camera.
    public var maxDistortionPixels: Double
    public var undistorted: Bool
    /// Folder of the images cameras.json refers to, relative to the output folder.
    public var imageFolder: String
    /// Depth maps written, their size, mean coverage (fraction of pixels with a depth) and the
    /// unit of the 16-bit values (value × unit = camera z in the model's units).
    public var depthMaps: Int
    public var depthWidth: Int
    public var depthHeight: Int
    public var depthCoverage: Double
    public var depthUnit: Double
    public var depthPlanes: Double
    public var undistortSeconds: Double
    public var depthSeconds: Double
    /// The depth maps were an earlier run's (same model, names and settings; see `DepthCache`).
    public var depthCached: Bool
}

/// After the sparse model is written: pinhole images for the fit and per-view depth maps.
///
/// - When the estimated distortion moves some pixel by more than
///   `options.undistortionThreshold`, `undistorted/images/<stem>.png` are the registered images
///   resampled to the pinhole camera (same size, focal and principal point) and
///   `undistorted/sparse/` is the COLMAP model of that camera (PINHOLE, keypoints undistorted),
///   COLMAP's own undistorter layout; `masks/<stem>.png` mark pixels that fall outside the
///   input (pincushion only). Below the threshold the distortion is dropped and `images/` used.
/// - `depth/<stem>.png`: 16-bit camera z × 1/`depth_unit_scale_factor` (0 = no confident
///   depth), at the sweep's resolution (longer side `options.depth.longSide`; a depth pixel
///   (i, j) is the image point ((i + ½)·W/w, (j + ½)·H/h)); `depth/<stem>.confidence.png`:
///   8-bit confidence × 255.
/// - `cameras.json` is rewritten to always describe pinhole images the fit can use: each frame's
///   `file_path` (undistorted images when resampled), `depth_file_path` and
///   `depth_confidence_file_path`, and the global `depth_unit_scale_factor`, as `vid2world
///   render` writes them for its true depth; `ply_file_path` names `sparse.ply` (the points are
///   in the same world frame, undistorted or not), so `vid2world fit OUT` starts from them too.
enum DenseOutputs {
    static func write(_ result: EstimateResult, files: [URL], features: [Features], to output: URL,
                      options: EstimateOptions, progress sink: ProgressSink?) throws -> DenseSummary {
        let model = result.model
        let w = model.width, h = model.height
        let lens = model.intrinsics.intrinsics
        let displacement = ImageUndistorter.maxDisplacement(intrinsics: lens, width: w, height: h)
        let undistort = displacement > options.undistortionThreshold
        let undistorter = undistort ? ImageUndistorter(intrinsics: lens, width: w, height: h) : nil
        let pinhole = Intrinsics(fx: lens.fx, fy: lens.fy, cx: lens.cx, cy: lens.cy)
        let cameras: [Camera?] = model.poses.map { $0.map { Camera(width: w, height: h, intrinsics: pinhole, pose: $0) } }
        let registered = cameras.indices.filter { cameras[$0] != nil }
        let stems = result.images.map { ($0 as NSString).deletingPathExtension }
        let imageFolder = undistort ? "undistorted/images" : "images"
        let imageNames = result.images.indices.map { undistort ? stems[$0] + ".png" : result.images[$0] }
        let manager = FileManager.default

        // Depth maps of an earlier run for this very model are kept; other earlier dense outputs
        // are replaced, never mixed with these (masks/ is left alone: a user may have put masks
        // for the fit there; ours are rewritten per image).
        let depthKey = DepthCache.key(model: model, names: result.images, options: options.depth)
        let cachedDepth = options.depth.enabled ? DepthCache.read(output, key: depthKey) : nil
        let computeDepth = options.depth.enabled && cachedDepth == nil
        for stale in ["undistorted"] + (cachedDepth == nil ? ["depth"] : []) { try? manager.removeItem(at: output.appendingPathComponent(stale)) }
        if cachedDepth == nil { try? manager.removeItem(at: DepthCache.url(output)) }
        var clock = Date()
        var inputs = [DepthInput?](repeating: nil, count: files.count)
        if undistort || computeDepth {
            if undistort {
                try createFolder(output.appendingPathComponent(imageFolder))
                if undistorter!.valid != nil { try createFolder(output.appendingPathComponent("masks")) }
            }
            let progress = Progress(stage: undistort ? "undistort" : "depth inputs", total: registered.count, unit: "images", sink: sink)
            for i in registered {
                try Cancellation.check()
                var image = try ImageFile.read(files[i])
                if let undistorter {
                    image = try undistorter.undistort(image)
                    try PNGFile.write(image, to: output.appendingPathComponent(imageFolder).appendingPathComponent(imageNames[i]))
                    if let valid = undistorter.valid {
                        try PNGFile.write(bytes: valid.map { $0 * 255 }, width: w, height: h, channels: 1,
                                          to: output.appendingPathComponent("masks").appendingPathComponent(stems[i] + ".png"))
                    }
                }
                if computeDepth { inputs[i] = try DepthEstimator.input(image: image, camera: cameras[i]!, options: options.depth) }
                progress.advance()
            }
            progress.finish()
        }
        if let undistorter {
            var pinholeModel = model
            pinholeModel.intrinsics.k1 = 0
            pinholeModel.intrinsics.k2 = 0
            let sparse = output.appendingPathComponent("undistorted/sparse")
            try createFolder(sparse)
            try ColmapText.write(pinholeModel, names: imageNames, features: features.map { undistorter.undistort($0) },
                                 colours: try EstimateOutputs.pointColours(model, files: files), to: sparse)
        }
        let undistortSeconds = undistort ? Date().timeIntervalSince(clock) : 0

        clock = Date()
        var maps = [DepthMap?](repeating: nil, count: files.count)
        if computeDepth {
            let neighbours = DepthViewSelection.neighbours(cameras: cameras, points: model.points, options: options.depth)
            let ranges = DepthViewSelection.depthRanges(cameras: cameras, points: model.points, margin: options.depth.rangeMargin)
            maps = try DepthEstimator.estimate(inputs: inputs, neighbours: neighbours, ranges: ranges, options: options.depth,
                                               progress: Progress(stage: "depth", total: files.count, unit: "views", sink: sink))
        }
        let depthFolder = output.appendingPathComponent("depth")
        let written = maps.compactMap { $0 }
        let record = cachedDepth ?? DepthCache(
            key: depthKey, stems: maps.indices.filter { maps[$0] != nil }.map { stems[$0] },
            width: written.first?.width ?? 0, height: written.first?.height ?? 0,
            coverage: written.isEmpty ? 0 : written.map(\.coverage).reduce(0, +) / Double(written.count),
            unit: depthUnit(maps), planes: written.isEmpty ? 0 : Double(written.map(\.planes).reduce(0, +)) / Double(written.count))
        if !written.isEmpty { try createFolder(depthFolder) }
        for (i, map) in maps.enumerated() {
            guard let map else { continue }
            let values = map.depth.map { d -> UInt16 in d > 0 ? UInt16(max(1, min(65535, (Double(d) / record.unit).rounded()))) : 0 }
            try PNGFile.writeGray16(values, width: map.width, height: map.height, to: depthFolder.appendingPathComponent(stems[i] + ".png"))
            let confidence = map.confidence.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
            try PNGFile.write(bytes: confidence, width: map.width, height: map.height, channels: 1,
                              to: depthFolder.appendingPathComponent(stems[i] + ".confidence.png"))
        }
        if computeDepth { try record.write(to: output) }
        let depthSeconds = Date().timeIntervalSince(clock)

        // cameras.json: pinhole cameras of the images the fit should read, with their depth.
        let withMaps = Set(record.stems)
        let frames = registered.map { CameraFrame(filePath: imageFolder + "/" + imageNames[$0], camera: cameras[$0]!) }
        let depthPaths = registered.map { withMaps.contains(stems[$0]) ? "depth/" + stems[$0] : nil }
        try writeCameras(frames, depth: depthPaths, unit: record.unit, points: EstimateOutputs.sparsePointsName,
                         to: output.appendingPathComponent("cameras.json"))

        return DenseSummary(maxDistortionPixels: displacement, undistorted: undistort, imageFolder: imageFolder,
                            depthMaps: record.stems.count, depthWidth: record.width, depthHeight: record.height,
                            depthCoverage: record.coverage, depthUnit: record.unit, depthPlanes: record.planes,
                            undistortSeconds: undistortSeconds, depthSeconds: depthSeconds, depthCached: cachedDepth != nil)
    }

    /// The 16-bit unit: the deepest depth of all maps fits below 60,000 (so the near end keeps
    /// fine steps), rounded up to two significant digits for a readable number.
    static func depthUnit(_ maps: [DepthMap?]) -> Double {
        let deepest = maps.compactMap { $0?.depth.max() }.max().map(Double.init) ?? 0
        guard deepest > 0 else { return 0.001 }
        let raw = deepest / 60_000
        let magnitude = pow(10, (log10(raw)).rounded(.down) - 1)
        return (raw / magnitude).rounded(.up) * magnitude
    }

    /// nerfstudio transforms with the depth keys that `vid2world render` also writes, and
    /// nerfstudio's `ply_file_path` naming the sparse points the fit starts from.
    static func writeCameras(_ frames: [CameraFrame], depth: [String?], unit: Double, points: String?, to url: URL) throws {
        try TransformsFile(frames: frames).write(to: url)
        do {
            guard var root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
                  var entries = root["frames"] as? [[String: Any]], entries.count == depth.count else {
                throw PipelineError.invalidOption(url.path, reason: "unexpected transforms layout")
            }
            for k in entries.indices {
                guard let stem = depth[k] else { continue }
                entries[k]["depth_file_path"] = stem + ".png"
                entries[k]["depth_confidence_file_path"] = stem + ".confidence.png"
            }
            root["frames"] = entries
            if depth.contains(where: { $0 != nil }) { root["depth_unit_scale_factor"] = unit }
            if let points { root["ply_file_path"] = points }
            let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try AtomicFile.write(data, to: url)
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.invalidOption(url.path, reason: "cannot write (\(error))")
        }
    }

    static func createFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw PipelineError.invalidOption(url.path, reason: "cannot create the folder (\(error.localizedDescription))")
        }
    }
}

extension DenseOutputs {
    /// report.json entries.
    static func report(_ dense: DenseSummary) -> [String: Any] {
        [
            "undistortion": ["max_distortion_px": dense.maxDistortionPixels, "resampled": dense.undistorted,
                             "fit_images": dense.imageFolder],
            "depth": ["count": dense.depthMaps, "width": dense.depthWidth, "height": dense.depthHeight,
                      "mean_coverage": dense.depthCoverage, "unit_scale_factor": dense.depthUnit,
                      "mean_planes": dense.depthPlanes, "time_s": dense.depthSeconds,
                      "files": "depth/<image stem>.png (16-bit, value × unit_scale_factor = camera z; 0 = none), depth/<image stem>.confidence.png (8-bit, confidence × 255)"],
        ]
    }
}
