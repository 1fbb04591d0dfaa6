import ArgumentParser
import Foundation
import Pipeline

/// `vid2world INPUT --out SCENE`: the whole route for the kind of input given — a video or a
/// folder of photos (estimate → fit), or one image with --orbit (generate → fit).
struct SceneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scene",
        abstract: "Make a splat scene from a video, a folder of photos, or one image (--orbit). The default command.",
        discussion: """
        vid2world VIDEO --out SCENE           video → cameras → splats
        vid2world PHOTOS/ --out SCENE         the same from a folder of photos
        vid2world IMAGE --orbit --out SCENE   object → generated orbit → splats

        SCENE gets scene.ply, preview.mp4, cameras.json and report.json (every \
        stage's settings, timings, metrics). The video route keeps SCENE/estimate, \
        which a rerun resumes from; the orbit route adds orbit.mp4, images/ and \
        input.png.
        """)

    @Argument(help: "A video, a folder of photos, or an image of one object (with --orbit).")
    var input: String

    @Option(name: .long, help: "Output folder for the scene.")
    var out: String

    @Flag(name: .long, help: "INPUT is one image of an object: generate an orbit around it, then fit.")
    var orbit = false

    @Option(name: .long, help: "Seed of every random choice.")
    var seed: UInt64 = 0

    // Fit (both routes).
    @Option(name: .long, help: "Fit: optimisation steps (default 7000; 1500 for --orbit).")
    var iterations: Int?

    @Option(name: .customLong("max-splats"), help: "Fit: hard cap on the number of splats.")
    var maxSplats: Int?

    // Video / photos.
    @Option(name: .long, help: "Video: most keyframes (the sharpest of each window).")
    var keyframes: Int?

    @Option(name: .long, help: "Video/photos: focal length in pixels, when known.")
    var focal: Double?

    @Option(name: .long, help: "Video/photos: field-of-view prior across the longer side, degrees.")
    var fov: Double?

    @Option(name: .long, help: "Video/photos: match each image with its next N only.")
    var sequential: Int?

    @Option(name: .customLong("long-side"), help: "Video: scale keyframes so the longer side is at most PX pixels.")
    var longSide: Int?

    // Orbit.
    @Option(name: .long, help: "--orbit: views per orbit ring (a multiple of the model's clip length).")
    var views: Int?

    @Option(name: .long, help: "--orbit: rings of views at different elevations.")
    var clips: Int?

    @Option(name: .long, help: "--orbit: sampler steps (default: the model's).")
    var steps: Int?

    @Option(name: .long, help: "--orbit: classifier-free guidance scale (default: the model's).")
    var guidance: Double?

    @Option(name: .long, help: "--orbit: folder with model.safetensors and config.json (else $VID2WORLD_WEIGHTS, else the shipped model).")
    var weights: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        try perform {
            let url = URL(fileURLWithPath: input)
            let kind = try InputKind.of(url)
            let orbitFlags = [("--views", views != nil), ("--clips", clips != nil), ("--steps", steps != nil),
                              ("--guidance", guidance != nil), ("--weights", weights != nil)]
            let videoFlags = [("--keyframes", keyframes != nil), ("--focal", focal != nil), ("--fov", fov != nil),
                              ("--sequential", sequential != nil), ("--long-side", longSide != nil)]
            switch kind {
            case .image:
                guard orbit else {
                    throw PipelineError.invalidOption(input, reason: "is a single image; add --orbit to generate an orbit of the object in it (one photo is not enough to estimate cameras)")
                }
                if let flag = videoFlags.first(where: \.1) {
                    throw PipelineError.invalidOption(flag.0, reason: "applies to a video or a folder of photos, not to an image with --orbit")
                }
                try runOrbit(url)
            case .video, .folder:
                let what = kind == .video ? "a video" : "a folder of photos"
                if orbit {
                    throw PipelineError.invalidOption("--orbit", reason: "\(input) is \(what); --orbit takes one image of an object")
                }
                if let flag = orbitFlags.first(where: \.1) {
                    throw PipelineError.invalidOption(flag.0, reason: "applies to an image with --orbit; \(input) is \(what)")
                }
                if kind == .folder, keyframes != nil || longSide != nil {
                    throw PipelineError.invalidOption(keyframes != nil ? "--keyframes" : "--long-side", reason: "applies to a video; \(input) is a folder of photos")
                }
                try runVideo(url)
            }
        }
    }

    func runOrbit(_ url: URL) throws {
        var options = OrbitRouteOptions()
        options.generate.views = views
        options.generate.clips = clips ?? 1
        options.generate.steps = steps
        options.generate.guidance = guidance
        options.generate.seed = seed
        options.generate.weights = weights.map { URL(fileURLWithPath: $0) }
        options.fit.seed = seed
        if let iterations { options.fit.iterations = iterations }
        if let maxSplats { options.fit.maxSplats = maxSplats }
        let result = try OrbitRoute.run(image: url, output: URL(fileURLWithPath: out), options: options, progress: common.progressSink)
        report(route: "orbit", fit: result.fit, extra: ["views": result.generate.views.count], line:
            "generated \(result.generate.views.count) views")
    }

    func runVideo(_ url: URL) throws {
        var options = VideoRouteOptions()
        options.estimate.reconstruction.seed = seed
        options.estimate.reconstruction.focalPrior = focal
        if let fov { options.estimate.reconstruction.fieldOfViewPrior = fov }
        if let sequential { options.estimate.reconstruction.matchPlan = .sequential(overlap: sequential) }
        if let keyframes { options.estimate.keyframeBudget = keyframes }
        if let longSide { options.estimate.videoLongSide = longSide }
        options.fit.seed = seed
        if let iterations { options.fit.iterations = iterations }
        if let maxSplats { options.fit.maxSplats = maxSplats }
        let result = try VideoRoute.run(input: url, output: URL(fileURLWithPath: out), options: options, progress: common.progressSink)
        let model = result.estimate.model
        report(route: "video", fit: result.fit,
               extra: ["images": result.estimate.images.count, "registered": model.registeredCount, "points": model.points.count],
               line: "registered \(model.registeredCount) of \(result.estimate.images.count) images, \(model.points.count) points")
        if !common.json { for note in result.notes { FileHandle.standardError.write("  note: \(note)\n".data(using: .utf8)!) } }
    }

    func report(route: String, fit: FitResult, extra: [String: Any], line: String) {
        if common.json {
            var object: [String: Any] = ["type": "result", "command": "scene", "route": route, "out": out, "splats": fit.splats,
                                         "iterations": fit.iterations, "train_psnr": fit.train.psnr, "train_ssim": fit.train.ssim]
            if let h = fit.heldOut { object["held_out_psnr"] = h.psnr; object["held_out_ssim"] = h.ssim }
            object.merge(extra) { a, _ in a }
            printJSON(object)
        } else {
            var text = line + "; fitted \(fit.splats) splats, train PSNR \(String(format: "%.2f", fit.train.psnr)) dB"
            if let h = fit.heldOut { text += ", held-out PSNR \(String(format: "%.2f", h.psnr)) dB" }
            FileHandle.standardError.write((text + " -> \(out)\n").data(using: .utf8)!)
        }
    }
}
