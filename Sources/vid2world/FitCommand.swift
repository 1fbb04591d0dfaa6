import ArgumentParser
import Foundation
import Pipeline
import Splats

/// `vid2world fit DATA --out SCENE`: fits Gaussian splats to posed images.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit Gaussian splats to posed images: scene.ply, preview.mp4, cameras.json, report.json.",
        discussion: """
        DATA holds images with cameras.json / transforms.json (as `vid2world render` writes), or a \
        COLMAP text model (cameras.txt, images.txt, points3D.txt; its points start the splats, as \
        do those of a PLY the cameras file names with ply_file_path, as estimate writes). \
        Depth maps the cameras file lists (depth_file_path, as render and estimate write; for a \
        COLMAP model, a cameras.json beside it) add back-projected points unless --no-depth-init. \
        Optional masks: masks/<image name>.png (black = masked out). Every 8th view is held out \
        for the held-out PSNR/SSIM unless --holdout-every says otherwise.
        """)

    @Argument(help: "Folder of images and cameras.")
    var data: String

    @Option(name: .long, help: "Output folder for the scene.")
    var out: String

    @Option(name: .long, help: "Optimisation steps.")
    var iterations = FitOptions().iterations

    @Option(name: .customLong("sh-degree"), help: "Highest spherical-harmonics degree (0-3).")
    var shDegree = FitOptions().shDegree

    @Option(name: .customLong("sh-interval"), help: "Iterations between raising the SH degree by one.")
    var shInterval = FitOptions().shDegreeInterval

    @Option(name: .customLong("max-splats"), help: "Hard cap on the number of splats.")
    var maxSplats = FitOptions().maxSplats

    @Option(name: .customLong("downscale-levels"),
            help: "Coarse-to-fine: start on the images halved this many times (0-4: 0 trains at full size throughout), one level finer every --downscale-interval iterations.")
    var downscaleLevels = FitOptions().downscaleLevels

    @Option(name: .customLong("downscale-interval"), help: "Iterations at each coarse level (default: a seventh of --iterations).")
    var downscaleInterval: Int?

    @Option(name: .long, help: "Densification: adc (3DGS adaptive density control) or mcmc (3DGS-MCMC).")
    var strategy: String = FitOptions().strategy.rawValue

    @Option(name: .long, help: "Seed of every random choice.")
    var seed: UInt64 = 0

    @Option(name: .customLong("holdout-every"), help: "Hold out every N-th view for evaluation (0: none).")
    var holdoutEvery = FitOptions().holdoutEvery

    @Option(name: .customLong("initial-splats"), help: "Random splats to start from when DATA has no points.")
    var initialSplats = FitOptions().initialSplats

    @Flag(name: .customLong("no-depth-init"), help: "Ignore DATA's depth maps (start from its points or random splats).")
    var noDepthInit = false

    @Option(name: .customLong("densify-from"), help: "First iteration that densifies.")
    var densifyFrom = FitOptions().densifyFrom

    @Option(name: .customLong("densify-every"), help: "Iterations between densifications.")
    var densifyEvery = FitOptions().densifyEvery

    @Option(name: .customLong("densify-until"), help: "Last iteration that densifies (default: half the fit for adc, 5/6 for mcmc).")
    var densifyUntil: Int?

    @Option(name: .customLong("opacity-reset-every"), help: "adc: iterations between opacity resets (0: none).")
    var opacityResetEvery = FitOptions().opacityResetEvery

    @Option(name: .customLong("checkpoint-every"), help: "Write SCENE/fit.checkpoint every N iterations (0: never).")
    var checkpointEvery = FitOptions().checkpointEvery

    @Flag(name: .long, help: "Continue from SCENE/fit.checkpoint.")
    var resume = false

    @Flag(name: .long, help: "Learn a per-image colour transform (exposure changes in phone videos).")
    var exposure = false

    @Flag(name: .long, help: "Adam only over the splats each step's view sees (gsplat's visible Adam), not all splats.")
    var visibleAdam = false

    @Option(name: .long, help: "What masks do: exclude (left out of the loss) or transparent.")
    var masks: String = MaskMode.exclude.rawValue

    @Option(name: .long, help: "Background while training: random, black or white.")
    var background: String = FitOptions().background.rawValue

    @Option(name: .customLong("preview-frames"), help: "Frames of preview.mp4 (0: none).")
    var previewFrames = FitOptions().previewFrames

    @Option(name: .long, help: "Cores to use.")
    var threads = FitOptions().threads

    @OptionGroup var common: CommonOptions

    func options() throws -> FitOptions {
        var o = FitOptions()
        o.iterations = iterations
        o.shDegree = shDegree
        o.shDegreeInterval = shInterval
        o.maxSplats = maxSplats
        o.downscaleLevels = downscaleLevels
        o.downscaleInterval = downscaleInterval
        guard let s = FitOptions.Strategy(rawValue: strategy) else {
            throw PipelineError.invalidOption("--strategy", reason: "must be adc or mcmc, got \(strategy)")
        }
        o.strategy = s
        o.seed = seed
        o.holdoutEvery = holdoutEvery
        o.initialSplats = initialSplats
        o.depthInit = !noDepthInit
        o.checkpointEvery = checkpointEvery
        o.densifyFrom = densifyFrom
        o.densifyEvery = densifyEvery
        o.densifyUntil = densifyUntil
        o.opacityResetEvery = opacityResetEvery
        o.resume = resume
        o.exposureCompensation = exposure
        o.visibleAdam = visibleAdam
        guard let m = MaskMode(rawValue: masks) else {
            throw PipelineError.invalidOption("--masks", reason: "must be exclude or transparent, got \(masks)")
        }
        o.maskMode = m
        guard let b = FitOptions.Background(rawValue: background) else {
            throw PipelineError.invalidOption("--background", reason: "must be random, black or white, got \(background)")
        }
        o.background = b
        o.previewFrames = previewFrames
        o.threads = threads
        try o.validate()
        return o
    }

    func run() throws {
        try perform {
            let result = try FitJob.run(data: URL(fileURLWithPath: data), output: URL(fileURLWithPath: out),
                                        options: try options(), progress: common.progressSink)
            if common.json {
                var object: [String: Any] = [
                    "type": "result", "command": "fit", "out": out, "splats": result.splats,
                    "iterations": result.iterations, "iterations_per_second": result.iterationsPerSecond,
                    "train_psnr": result.train.psnr, "train_ssim": result.train.ssim,
                    "peak_memory_bytes": result.peakMemoryBytes,
                    "initial_splats": result.initialSplats, "depth_points": result.depthPoints,
                ]
                if let h = result.heldOut { object["held_out_psnr"] = h.psnr; object["held_out_ssim"] = h.ssim }
                printJSON(object)
            } else {
                var line = "fitted \(result.splats) splats in \(String(format: "%.1f", result.trainSeconds)) s " +
                    "(\(String(format: "%.1f", result.iterationsPerSecond)) it/s) from \(result.initialSplats) " +
                    "(\(result.depthPoints) from depth); train PSNR \(String(format: "%.2f", result.train.psnr)) dB"
                if let h = result.heldOut {
                    line += ", held-out PSNR \(String(format: "%.2f", h.psnr)) dB SSIM \(String(format: "%.4f", h.ssim))"
                }
                FileHandle.standardError.write((line + " -> \(out)\n").data(using: .utf8)!)
            }
        }
    }
}
