import Foundation
import Geometry
import Media
import Reporting

/// `vid2world render`: renders every frame of a recipe into a folder.
///
/// Layout of the output folder:
/// - `images/frame_00000.png` … 8-bit RGB, or RGBA when the background is transparent;
/// - `depth/frame_00000.png` … 16-bit grey, camera z in millimetres (0 = nothing hit;
///   clamped at 65535 = 65.535 units); `cameras.json` says so in `depth_unit_scale_factor` (0.001);
/// - `cameras.json` … nerfstudio transforms.json (OpenGL camera-to-world, OpenCV intrinsics),
///   each frame with `time` and `depth_file_path`;
/// - `render.mp4` … the frames in order (transparent backgrounds shown over mid grey).
/// Everything is written into a hidden staging folder beside the output and moved into place at
/// the end (Media's StagingFolder), so a failure or Ctrl-C leaves no half-written files; entries
/// of an earlier render in the output folder are replaced, anything else there is left alone.
public enum RenderJob {
    public struct Summary: Equatable, Sendable {
        public var frames: Int
        public var width: Int
        public var height: Int
        public var output: URL
    }

    /// Scale of the 16-bit depth PNGs: stored value × this = camera z in scene units.
    public static let depthUnit = 0.001

    public static func run(recipe: URL, output: URL, seed: UInt64 = 0, progress sink: ProgressSink? = nil) throws -> Summary {
        let loaded = try SceneRecipe.load(recipe, seed: seed)
        return try run(loaded, output: output, progress: sink)
    }

    public static func run(_ recipe: SceneRecipe, output: URL, progress sink: ProgressSink? = nil) throws -> Summary {
        let frames = recipe.rig.frames()
        guard let first = frames.first else {
            throw RenderError.invalidSetting(name: "camera", reason: "the rig has no frames")
        }
        let staging: StagingFolder
        do { staging = try StagingFolder(destination: output) } catch {
            throw RenderError.writeFailed(file: output.path, reason: String(describing: error))
        }
        do {
            try FileManager.default.createDirectory(at: staging.file("images"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: staging.file("depth"), withIntermediateDirectories: true)
        } catch {
            throw RenderError.writeFailed(file: staging.url.path, reason: error.localizedDescription)
        }

        let renderer = try Renderer(scene: recipe.scene, settings: recipe.settings)
        let background = recipe.scene.background
        let video = try VideoWriter(url: staging.file("render.mp4"),
                                    width: first.camera.width, height: first.camera.height, fps: recipe.fps)
        let progress = Progress(stage: "render", total: frames.count, unit: "frames", sink: sink)
        var cameraFrames: [CameraFrame] = []
        for (i, frame) in frames.enumerated() {
            try Cancellation.check()
            let name = String(format: "frame_%05d.png", i)
            let rendered = try renderer.render(frame)
            let image = rendered.image(background: background)
            try PNGFile.write(image, to: staging.file("images/\(name)"))
            try PNGFile.writeGray16(rendered.depthMillimetres(), width: rendered.width, height: rendered.height,
                                    to: staging.file("depth/\(name)"))
            if frame.camera.width == first.camera.width && frame.camera.height == first.camera.height {
                try video.append(background == nil ? rendered.image(background: SIMD3(repeating: 0.5)) : image)
            }
            cameraFrames.append(CameraFrame(filePath: "images/\(name)", camera: frame.camera, time: frame.time))
            progress.advance()
        }
        try video.finish()
        try writeCameras(cameraFrames, to: staging.file("cameras.json"))
        progress.finish()

        try staging.commit()
        return Summary(frames: frames.count, width: first.camera.width, height: first.camera.height, output: output)
    }

    /// transforms.json from Geometry, plus the depth files and their unit.
    private static func writeCameras(_ frames: [CameraFrame], to url: URL) throws {
        try TransformsFile(frames: frames).write(to: url)
        do {
            let data = try Data(contentsOf: url)
            guard var root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  var entries = root["frames"] as? [[String: Any]] else {
                throw RenderError.writeFailed(file: url.path, reason: "unexpected transforms layout")
            }
            for k in entries.indices {
                if let path = entries[k]["file_path"] as? String {
                    entries[k]["depth_file_path"] = path.replacingOccurrences(of: "images/", with: "depth/")
                }
            }
            root["frames"] = entries
            root["depth_unit_scale_factor"] = depthUnit
            let out = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try out.write(to: url, options: .atomic)
        } catch let error as RenderError {
            throw error
        } catch {
            throw RenderError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }
}
