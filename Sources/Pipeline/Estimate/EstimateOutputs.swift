import Estimate
import Export
import Foundation
import Geometry
import Media

/// The files an estimate run leaves in its output folder.
enum EstimateOutputs {
    /// The sparse points as a PLY point cloud; cameras.json names it (`ply_file_path`).
    static let sparsePointsName = "sparse.ply"

    static func write(_ result: EstimateResult, files: [URL], features: [Features], to output: URL) throws {
        let model = result.model
        try linkImages(files, into: output.appendingPathComponent("images"))
        // nerfstudio cameras of the registered images.
        let frames = files.indices.compactMap { i in model.camera(i).map { CameraFrame(filePath: "images/\(result.images[i])", camera: $0) } }
        let camerasURL = output.appendingPathComponent("cameras.json")
        try atomically(camerasURL) { try TransformsFile(frames: frames).write(to: $0) }

        let colours = try pointColours(model, files: files)
        let sparse = output.appendingPathComponent("sparse")
        try FileManager.default.createDirectory(at: sparse, withIntermediateDirectories: true)
        try ColmapText.write(model, names: result.images, features: features, colours: colours, to: sparse)
        try PointCloudFile.write(positions: model.points.flatMap { [Float($0.position.x), Float($0.position.y), Float($0.position.z)] },
                                 colours: colours.flatMap { [$0.x, $0.y, $0.z] }, to: output.appendingPathComponent(sparsePointsName))
    }

    static func writeReport(_ result: EstimateResult, input: URL, to url: URL) throws {
        let model = result.model
        let k = model.intrinsics
        var report: [String: Any] = [
            "input": input.path,
            "images": result.images.count,
            "registered": model.registeredCount,
            "registered_images": result.images.indices.filter { model.poses[$0] != nil }.map { result.images[$0] },
            "unregistered": model.unregistered.keys.sorted().map { ["image": result.images[$0], "reason": model.unregistered[$0]!] },
            "points": model.points.count,
            "mean_reprojection_error_px": result.meanReprojectionError,
            "initial_pair": [result.images[model.initialPair.first], result.images[model.initialPair.second]],
            "camera": ["model": "RADIAL", "width": model.width, "height": model.height, "focal": k.focal, "cx": k.cx, "cy": k.cy,
                       "k1": k.k1, "k2": k.k2],
            "focal_prior": ["pixels": result.focalPrior.pixels, "source": result.focalPrior.source],
            "timings_s": result.timings,
            "cached_stages": result.cached,
        ]
        if let dense = result.dense { report.merge(DenseOutputs.report(dense)) { $1 } }
        // Video input: the keyframe choice, with every dropped frame's reason.
        let manifest = url.deletingLastPathComponent().appendingPathComponent("frames/frames.json")
        if let data = try? Data(contentsOf: manifest), let frames = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            report["keyframes"] = ["decoded": frames["decoded"] ?? 0, "kept": (frames["frames"] as? [Any])?.count ?? 0,
                                   "dropped_counts": frames["dropped_counts"] ?? [:], "dropped": frames["dropped"] ?? []]
        }
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try atomically(url) { try data.write(to: $0) }
    }

    /// Hard links where the file system allows, copies otherwise.
    static func linkImages(_ files: [URL], into folder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in files {
            let target = folder.appendingPathComponent(file.lastPathComponent)
            if file.standardizedFileURL == target.standardizedFileURL { continue }
            try? manager.removeItem(at: target)
            do { try manager.linkItem(at: file, to: target) } catch {
                do { try manager.copyItem(at: file, to: target) } catch {
                    throw PipelineError.invalidOption(target.path, reason: "cannot place the image there (\(error.localizedDescription))")
                }
            }
        }
    }

    /// The colour of each point, read at its first observation.
    static func pointColours(_ model: SparseModel, files: [URL]) throws -> [SIMD3<UInt8>] {
        var colours = [SIMD3<UInt8>](repeating: SIMD3(128, 128, 128), count: model.points.count)
        var byImage: [Int: [Int]] = [:]
        for (j, p) in model.points.enumerated() { if let e = p.observations.first { byImage[Int(e.image), default: []].append(j) } }
        for (image, points) in byImage.sorted(by: { $0.key < $1.key }) {
            let picture = try ImageFile.read(files[image])
            for j in points { colours[j] = sample(picture, model: model, point: j) }
        }
        return colours
    }

    private static func sample(_ picture: Image, model: SparseModel, point j: Int) -> SIMD3<UInt8> {
        let e = model.points[j].observations[0]
        guard let camera = model.camera(Int(e.image)) else { return SIMD3(128, 128, 128) }
        let pixel = camera.project(model.points[j].position).pixel
        let x = min(picture.width - 1, max(0, Int(pixel.x))), y = min(picture.height - 1, max(0, Int(pixel.y)))
        let base = (y * picture.width + x) * picture.channels
        func byte(_ c: Int) -> UInt8 {
            let v = picture.pixels[base + min(c, picture.channels - 1)]
            return UInt8(max(0, min(255, (v * 255).rounded())))
        }
        return SIMD3(byte(0), byte(1), byte(2))
    }

    /// Writes through `name.tmp`, renamed into place.
    static func atomically(_ url: URL, _ write: (URL) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".tmp")
        do {
            try write(temporary)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw PipelineError.invalidOption(url.path, reason: "cannot write (\(error))")
        }
    }
}
