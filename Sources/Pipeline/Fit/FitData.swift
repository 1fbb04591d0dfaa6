import Foundation
import Geometry
import Media
import Splats

/// A fit's input folder, loaded: every view (8-bit image, camera, mask) and the points that
/// initialise the splats, if any. DATA holds either `cameras.json` / `transforms.json` (nerfstudio;
/// as `vid2world render` writes) with the images at their `file_path`s, or a COLMAP text model
/// (`cameras.txt`, `images.txt`, `points3D.txt` in DATA, DATA/sparse/0 or DATA/sparse) with the
/// images in DATA/images or DATA. Masks are looked up in a `masks` folder beside the images, named
/// `<image name>.png` or `<image stem>.png`; black (< 0.5) marks a masked-out pixel. Depth maps
/// come from the cameras file's `depth_file_path` keys; a COLMAP model takes them from a
/// `cameras.json` in DATA (as `vid2world estimate` writes), matched by image stem. Initial
/// points come from a COLMAP model's points3D.txt, or from the PLY a cameras file names with
/// nerfstudio's `ply_file_path` key.
public struct FitData {
    public var views: [TrainingView]
    /// The cameras as read (same order as `views`), with the file paths relative to DATA.
    public var frames: [CameraFrame]
    /// count × 3 positions and colours in [0, 1], or empty.
    public var pointPositions: [Float]
    public var pointColors: [Float]
    /// Which file the cameras came from.
    public var camerasFile: URL
    /// Per view (same order as `views`), its depth map's files, or nil.
    public var depth: [DepthFile?] = []

    public static func load(_ folder: URL) throws -> FitData {
        let path = folder.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PipelineError.badData(path, reason: "no such folder")
        }
        guard isDirectory.boolValue else { throw PipelineError.badData(path, reason: "is a file, expected a folder of images and cameras") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard !entries.filter({ !$0.hasPrefix(".") }).isEmpty else { throw PipelineError.badData(path, reason: "the folder is empty") }

        for name in ["cameras.json", "transforms.json"] {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return try loadTransforms(url, folder: folder) }
        }
        for sub in ["", "sparse/0", "sparse"] {
            let model = sub.isEmpty ? folder : folder.appendingPathComponent(sub)
            if ColmapTextModel.exists(in: model) { return try loadColmap(model, folder: folder) }
        }
        throw PipelineError.badData(path, reason: "no cameras file: expected cameras.json or transforms.json, or a COLMAP text model (cameras.txt, images.txt, points3D.txt)")
    }

    static func loadTransforms(_ url: URL, folder: URL) throws -> FitData {
        let file = try TransformsFile.read(from: url)
        guard !file.frames.isEmpty else { throw PipelineError.badData(url.path, reason: "lists no frames") }
        var views: [TrainingView] = [], frames: [CameraFrame] = []
        for frame in file.frames {
            var image = folder.appendingPathComponent(frame.filePath)
            // NeRF synthetic files name images without their extension.
            if !FileManager.default.fileExists(atPath: image.path),
               FileManager.default.fileExists(atPath: image.path + ".png") { image = URL(fileURLWithPath: image.path + ".png") }
            views.append(try loadView(image: image, camera: frame.camera, camerasFile: url, root: folder))
            frames.append(frame)
        }
        let points = try InitialPoints.read(camerasFile: url, folder: folder)
        return FitData(views: views, frames: frames, pointPositions: points.positions, pointColors: points.colours,
                       camerasFile: url, depth: try DepthFiles.read(url, folder: folder))
    }

    static func loadColmap(_ model: URL, folder: URL) throws -> FitData {
        try loadColmap(try ColmapTextModel.read(folder: model), camerasFile: model.appendingPathComponent("images.txt"), folder: folder)
    }

    /// A COLMAP model already read (its cameras possibly adjusted by the caller), with the images
    /// in `imageFolder` (default: DATA/images if present, else DATA).
    static func loadColmap(_ colmap: ColmapTextModel, camerasFile: URL, folder: URL, imageFolder: URL? = nil) throws -> FitData {
        guard !colmap.images.isEmpty else { throw PipelineError.badData(camerasFile.path, reason: "lists no images") }
        let imageFolder = imageFolder ?? (FileManager.default.fileExists(atPath: folder.appendingPathComponent("images").path)
            ? folder.appendingPathComponent("images") : folder)
        var views: [TrainingView] = [], frames: [CameraFrame] = []
        for image in colmap.images {
            let url = imageFolder.appendingPathComponent(image.name)
            views.append(try loadView(image: url, camera: image.camera, camerasFile: camerasFile, root: folder))
            let relative = relativePath(of: imageFolder, in: folder).map { $0.isEmpty ? image.name : $0 + "/" + image.name } ?? url.path
            frames.append(CameraFrame(filePath: relative, camera: image.camera))
        }
        return FitData(views: views, frames: frames, pointPositions: colmap.pointPositions.map { Float($0) },
                       pointColors: colmap.pointColors.map { Float($0) }, camerasFile: camerasFile,
                       depth: try DepthFiles.matching(imageNames: colmap.images.map(\.name), folder: folder))
    }

    /// `url`'s path below `folder` ("" for the folder itself), nil when outside it.
    static func relativePath(of url: URL, in folder: URL) -> String? {
        let path = url.standardizedFileURL.path, base = folder.standardizedFileURL.path
        if path == base { return "" }
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
    }

    /// One image as 8-bit samples, checked against its camera, with its mask.
    static func loadView(image url: URL, camera: Camera, camerasFile: URL, root: URL) throws -> TrainingView {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PipelineError.badData(url.path, reason: "named in \(camerasFile.lastPathComponent) but missing")
        }
        let picture = try ImageFile.read(url)
        guard picture.width == camera.width, picture.height == camera.height else {
            throw PipelineError.badData(url.path, reason: "is \(picture.width)×\(picture.height) but \(camerasFile.lastPathComponent) gives \(camera.width)×\(camera.height)")
        }
        let splatCamera: SplatCamera
        do { splatCamera = try SplatCamera(camera) } catch {
            throw PipelineError.badData(url.path, reason: "its camera cannot be used: \(error)")
        }
        var mask: [UInt8]? = nil
        if let maskURL = maskFile(for: url, root: root) {
            let m = try ImageFile.read(maskURL)
            guard m.width == picture.width, m.height == picture.height else {
                throw PipelineError.badData(maskURL.path, reason: "is \(m.width)×\(m.height), its image \(picture.width)×\(picture.height)")
            }
            mask = (0..<(m.width * m.height)).map { m.pixels[$0 * m.channels] >= 0.5 ? 255 : 0 }
        }
        return TrainingView(name: url.lastPathComponent, camera: splatCamera, pixels: picture.bytes(),
                            channels: picture.channels, mask: mask)
    }

    /// `masks/<name>.png` or `masks/<stem>.png` in DATA or in the image's folder.
    static func maskFile(for image: URL, root: URL) -> URL? {
        let folder = image.deletingLastPathComponent()
        let name = image.lastPathComponent, stem = image.deletingPathExtension().lastPathComponent
        for base in [root, folder] {
            for candidate in [name + ".png", stem + ".png"] {
                let url = base.appendingPathComponent("masks").appendingPathComponent(candidate)
                if FileManager.default.fileExists(atPath: url.path) { return url }
            }
        }
        return nil
    }
}
