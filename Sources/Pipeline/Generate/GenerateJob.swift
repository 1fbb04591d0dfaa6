import Foundation
import Generate
import Geometry
import Media
import Reporting

/// What a generate run produced (its `report.json` holds the same and more).
public struct GenerateResult: Sendable {
    /// The generated views in file order (ring by ring, azimuth rising) with their cameras
    /// (OpenCV, world-to-camera; object at the origin, input camera at azimuth 0, up +y).
    public var frames: [CameraFrame]
    public var views: [Image]
    public var framed: FramedObject
    public var cutoutMethod: Cutout.Method
    public var weights: OrbitWeights
    public var config: DiTConfig
    /// The refiner applied to the sampled views (from the weights folder), if any.
    public var refiner: RefinerConfig?
    public var timings: [String: Double]
}

/// `vid2world generate IMAGE --out DIR`: cuts the object out of the picture, centres it, and
/// generates orbit views of it at known cameras.
///
/// DIR receives `images/view_000.png ...` (RGBA, the model's resolution), `cameras.json`
/// (nerfstudio, every view), `input.png` (the centred cut-out the model saw), `orbit.mp4` (the
/// views upscaled, over white) and `report.json`, all through a staging folder. DIR is then a
/// valid input of `vid2world fit`.
public enum GenerateJob {
    public static func run(image url: URL, output: URL, options: GenerateOptions = .init(),
                           progress sink: ProgressSink? = nil) throws -> GenerateResult {
        try options.validate()
        var timings: [String: Double] = [:]
        var clock = Date()
        let picture = try ImageFile.read(url)
        let cutout = try ObjectCutout.cut(picture, file: url.path, options: options.cutout)
        timings["cutout"] = Date().timeIntervalSince(clock)

        clock = Date()
        let weights = try OrbitWeights.locate(explicit: options.weights)
        let generator = try OrbitGenerator(weights: weights)
        let config = generator.model.config
        timings["load_model"] = Date().timeIntervalSince(clock)
        let perRing = options.views ?? config.views
        guard perRing % config.views == 0 else {
            throw PipelineError.invalidOption("--views", reason: "must be a multiple of the model's \(config.views) views per clip, got \(perRing)")
        }
        let framed = try ObjectFraming.frame(cutout, size: config.resolution, fill: options.fill)

        // Clips: per ring, `sets` interleaved orbits of the model's clip length.
        clock = Date()
        let sets = perRing / config.views
        let inputElevation = options.inputElevation ?? config.orbitElevation
        var frames: [CameraFrame] = [], views: [Image] = [], clips: [[String: Any]] = []
        let elevations = options.ringOffsets.map { config.orbitElevation + $0 }
        if let steep = elevations.first(where: { abs($0) >= 89 }) {
            throw PipelineError.invalidOption("--clips", reason: "a ring would sit at \(steep)° elevation; use fewer clips or a smaller --elevation-step")
        }
        for (ring, elevation) in elevations.enumerated() {
            var ringViews: [(azimuth: Double, image: Image)] = []
            for set in 0..<sets {
                try Cancellation.check()
                let azimuths = (0..<config.views).map { Double(set + $0 * sets) * 360 / Double(perRing) }
                let seed = clipSeed(options.seed, clip: ring * sets + set)
                let images = try generator.generate(image: framed.image, azimuths: azimuths, elevation: elevation - inputElevation,
                                                    steps: options.steps, guidance: options.guidance, seed: seed, progress: sink)
                ringViews += zip(azimuths, images).map { ($0, $1) }
                clips.append(["ring": ring, "elevation": elevation, "relative_elevation": elevation - inputElevation,
                              "azimuths": azimuths, "seed": seed])
            }
            let orbit = OrbitPath(count: perRing, radius: config.cameraRadius, elevationDegrees: elevation,
                                  fieldOfViewYDegrees: config.cameraFieldOfView, width: config.resolution, height: config.resolution)
            for view in ringViews.sorted(by: { $0.azimuth < $1.azimuth }) {
                frames.append(CameraFrame(filePath: String(format: "images/view_%03d.png", views.count),
                                          camera: orbit.camera(azimuthDegrees: view.azimuth)))
                views.append(view.image)
            }
        }
        timings["generate"] = Date().timeIntervalSince(clock)

        clock = Date()
        let staging = try StagingFolder(destination: output)
        let imageFolder = staging.file("images")
        do { try FileManager.default.createDirectory(at: imageFolder, withIntermediateDirectories: true) } catch {
            throw MediaError.writeFailed(imageFolder.path, reason: error.localizedDescription)
        }
        for (frame, view) in zip(frames, views) { try PNGFile.write(view, to: staging.file(frame.filePath)) }
        try PNGFile.write(framed.image, to: staging.file("input.png"))
        try TransformsFile(frames: frames).write(to: staging.file("cameras.json"))
        try ClipVideo.write(views, size: options.videoSize, fps: options.videoFPS, to: staging.file("orbit.mp4"))
        timings["write"] = Date().timeIntervalSince(clock)
        let result = GenerateResult(frames: frames, views: views, framed: framed, cutoutMethod: cutout.method,
                                    weights: weights, config: config, refiner: generator.refiner?.config, timings: timings)
        try writeReport(result, input: url, options: options, clips: clips, objectPixels: cutout.mask.count,
                        to: staging.file("report.json"))
        try staging.commit()
        return result
    }

    /// Each clip's own noise seed, spread from the run's seed.
    static func clipSeed(_ seed: UInt64, clip: Int) -> UInt64 {
        var generator = SeededGenerator(seed: seed &+ UInt64(clip) &* 0x9E37_79B9_7F4A_7C15)
        return generator.next()
    }

    static func writeReport(_ result: GenerateResult, input: URL, options: GenerateOptions, clips: [[String: Any]],
                            objectPixels: Int, to url: URL) throws {
        var cutout: [String: Any] = ["object_pixels": objectPixels,
                                     "crop": ["x": result.framed.cropX, "y": result.framed.cropY, "side": result.framed.cropSide]]
        switch result.cutoutMethod {
        case .alpha: cutout["method"] = "alpha"
        case let .background(color, threshold):
            cutout["method"] = "background"
            cutout["background_color"] = color.map(Double.init)
            cutout["threshold"] = threshold
        }
        let c = result.config
        let report: [String: Any] = [
            "input": input.path,
            "weights": result.weights.folder.path,
            "model": ["resolution": c.resolution, "channels": c.channels, "views": c.views, "width": c.width, "depth": c.depth,
                      "heads": c.heads, "patch": c.patch, "attention": c.attention.rawValue, "prediction": c.prediction.rawValue,
                      "camera_radius": c.cameraRadius, "camera_fov": c.cameraFieldOfView, "orbit_elevation": c.orbitElevation],
            "settings": ["views_per_ring": options.views ?? c.views, "clips": options.clips, "elevation_step": options.elevationStep,
                         "input_elevation": options.inputElevation ?? c.orbitElevation, "steps": options.steps ?? c.steps,
                         "guidance": options.guidance ?? c.guidance, "noise_scale": c.noiseScale, "readout_t": c.readoutTime,
                         "samples": c.samples,
                         "seed": options.seed, "fill": options.fill,
                         "video_size": options.videoSize, "video_fps": options.videoFPS] as [String: Any],
            "refiner": result.refiner.map { r -> [String: Any] in
                ["weights": result.weights.refinerWeights.path, "width": r.width, "layers": r.layers, "resolution": r.resolution,
                 "strength": r.strength, "dilations": r.dilations ?? Array(repeating: 1, count: r.layers)]
            } ?? NSNull(),
            "cutout": cutout,
            "clips": clips,
            "views": result.views.count,
            "timings_seconds": result.timings,
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(data, to: url)
    }
}
