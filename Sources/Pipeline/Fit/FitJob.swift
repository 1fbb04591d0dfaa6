import Export
import Foundation
import Geometry
import Media
import Reporting
import Splats

/// What a fit did (also written to `report.json`).
public struct FitResult: Equatable {
    public var iterations: Int
    /// Iterations run by this call (fewer than `iterations` after a resume).
    public var iterationsRun: Int
    public var splats: Int
    /// Splats at the start, and how many of them came from depth maps.
    public var initialSplats: Int
    public var depthPoints: Int
    public var trainViews: Int
    public var heldOutViews: Int
    /// Mean over the training views at the end (no exposure transform), and over the held-out
    /// views (nil when none are held out). Both over `evaluationBackground`.
    public var train: ImageMetrics
    public var heldOut: ImageMetrics?
    public var trainSeconds: Double
    public var iterationsPerSecond: Double
    /// Peak resident memory of the process, bytes.
    public var peakMemoryBytes: Int
}

/// `vid2world fit`: fits Gaussian splats to a folder of posed images.
///
/// SCENE receives `scene.ply` (3DGS layout), `preview.mp4` (an orbit around the scene centre at
/// the cameras' mean distance and elevation), `cameras.json` (every input camera) and
/// `report.json` (settings, timings, metrics, splat count, peak memory), all written through a
/// staging folder. Checkpoints (`fit.checkpoint`) go straight into SCENE, so they survive a
/// failure or Ctrl-C; `resume` continues from one, and a finished fit removes it.
public enum FitJob {
    public static let checkpointName = "fit.checkpoint"

    public static func run(data: URL, output: URL, options: FitOptions, progress sink: ProgressSink?) throws -> FitResult {
        try options.validate()
        let clock = Date()
        return try run(loaded: try FitData.load(data), data: data, output: output, options: options, progress: sink, started: clock)
    }

    /// The same from views already loaded (a route that picks or adjusts its inputs first).
    public static func run(loaded: FitData, data: URL, output: URL, options: FitOptions, progress sink: ProgressSink?,
                           started clock: Date = Date()) throws -> FitResult {
        try options.validate()
        let (trainIndices, testIndices) = split(count: loaded.views.count, every: options.holdoutEvery)
        guard !trainIndices.isEmpty else { throw PipelineError.badData(data.path, reason: "no training views left after holding out") }
        let trainViews = trainIndices.map { loaded.views[$0] }
        let settings = options.trainerSettings()

        var rng = SeededGenerator(seed: options.seed)
        // Sparse points, plus (never from held-out views) depth points, else random splats.
        var positions = loaded.pointPositions, colors = loaded.pointColors
        var depthPointCount = 0
        if options.depthInit, !loaded.depth.isEmpty {
            guard loaded.depth.count == loaded.views.count else {
                throw PipelineError.badData(loaded.camerasFile.path, reason: "\(loaded.depth.count) depth entries for \(loaded.views.count) views")
            }
        }
        if options.depthInit, !loaded.depth.isEmpty, trainIndices.contains(where: { loaded.depth[$0] != nil }) {
            let depth = try DepthPoints.points(views: trainViews, depth: trainIndices.map { loaded.depth[$0] },
                                               target: max(1, min(options.depthPoints, options.maxSplats / 2)),
                                               minConfidence: options.depthConfidence)
            positions += depth.positions
            colors += depth.colors
            depthPointCount = depth.count
        }
        let initial: GaussianCloud
        if !positions.isEmpty {
            initial = try SplatInitializer.fromPoints(positions: positions, colors: colors, shDegree: options.shDegree)
        } else {
            initial = try SplatInitializer.random(count: min(options.initialSplats, options.maxSplats),
                                                  cameras: trainViews.map(\.camera), shDegree: options.shDegree, rng: &rng)
        }
        let trainer = try Trainer(views: trainViews, initialCloud: initial, settings: settings,
                                  strategy: try options.makeStrategy())
        let checkpointURL = output.appendingPathComponent(checkpointName)
        if options.resume {
            guard FileManager.default.fileExists(atPath: checkpointURL.path) else {
                throw PipelineError.invalidOption("--resume", reason: "no checkpoint at \(checkpointURL.path)")
            }
            try trainer.restore(TrainerCheckpoint.read(checkpointURL))
            guard trainer.iteration <= options.iterations else {
                throw PipelineError.invalidOption("--resume", reason: "the checkpoint is at iteration \(trainer.iteration), past --iterations \(options.iterations)")
            }
        }
        let loadSeconds = Date().timeIntervalSince(clock)

        // Train.
        let startIteration = trainer.iteration
        let progress = Progress(stage: "fit", total: options.iterations - startIteration, unit: "it", sink: sink, minimumInterval: 0.25)
        let trainClock = Date()
        var smoothedLoss = 0.0, smoothedPSNR = 0.0
        while trainer.iteration < options.iterations {
            try Cancellation.check()
            let result = try trainer.step()
            let weight = trainer.iteration == startIteration + 1 ? 1 : 0.05
            smoothedLoss += weight * (result.loss - smoothedLoss)
            smoothedPSNR += weight * (result.psnr - smoothedPSNR)
            progress.advance(metrics: [.init("loss", smoothedLoss), .init("psnr", smoothedPSNR),
                                       .init("splats", Double(trainer.state.cloud.count))])
            if options.checkpointEvery > 0, trainer.iteration % options.checkpointEvery == 0, trainer.iteration < options.iterations {
                try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
                try trainer.checkpoint().write(to: checkpointURL)
                progress.note("checkpoint at iteration \(trainer.iteration): \(checkpointURL.path)")
            }
        }
        progress.finish()
        let trainSeconds = Date().timeIntervalSince(trainClock)
        let iterationsRun = options.iterations - startIteration

        // Evaluate.
        let evalClock = Date()
        let background = options.evaluationBackground
        let train = try mean(trainViews.map { try trainer.evaluate($0, background: background) })
        let heldOut = testIndices.isEmpty ? nil
            : try mean(testIndices.map { try trainer.evaluate(loaded.views[$0], background: background) })
        let evalSeconds = Date().timeIntervalSince(evalClock)

        // Write.
        let writeClock = Date()
        let staging = try StagingFolder(destination: output)
        _ = try PLYFile.write(trainer.state.cloud, to: staging.file("scene.ply"))
        try TransformsFile(frames: loaded.frames).write(to: staging.file("cameras.json"))
        if options.previewFrames > 0 {
            try writePreview(trainer: trainer, frames: options.previewFrames, fps: options.previewFPS,
                             longSide: options.previewLongSide, background: background, to: staging.file("preview.mp4"))
        }
        let result = FitResult(iterations: options.iterations, iterationsRun: iterationsRun, splats: trainer.state.cloud.count,
                               initialSplats: initial.count, depthPoints: depthPointCount,
                               trainViews: trainIndices.count, heldOutViews: testIndices.count, train: train, heldOut: heldOut,
                               trainSeconds: trainSeconds,
                               iterationsPerSecond: trainSeconds > 0 ? Double(iterationsRun) / trainSeconds : 0,
                               peakMemoryBytes: peakMemoryBytes())
        let timings = ["load": loadSeconds, "train": trainSeconds, "evaluate": evalSeconds,
                       "write": Date().timeIntervalSince(writeClock), "total": Date().timeIntervalSince(clock)]
        try FitReport.write(result, options: options, data: data, camerasFile: loaded.camerasFile,
                            initialSplats: initial.count, strategy: trainer.strategy.name,
                            timings: timings, to: staging.file("report.json"))
        try staging.commit()
        try? FileManager.default.removeItem(at: checkpointURL)
        return result
    }

    /// Training and held-out indices: every `every`-th view from the first is held out.
    public static func split(count: Int, every: Int) -> (train: [Int], test: [Int]) {
        guard every > 1 else { return (Array(0..<count), []) }
        return ((0..<count).filter { $0 % every != 0 }, (0..<count).filter { $0 % every == 0 })
    }

    static func mean(_ metrics: [ImageMetrics]) -> ImageMetrics {
        let n = Double(max(metrics.count, 1))
        return ImageMetrics(psnr: metrics.map(\.psnr).reduce(0, +) / n, ssim: metrics.map(\.ssim).reduce(0, +) / n)
    }

    /// An orbit around the cameras' scene centre at their mean distance and elevation, with the
    /// first training camera's field of view and size.
    static func writePreview(trainer: Trainer, frames: Int, fps: Double, longSide: Int? = nil, background: [Float], to url: URL) throws {
        let layout = trainer.layout, first = trainer.views[0].camera
        let scale = longSide.map { Double($0) / Double(max(first.width, first.height)) } ?? 1
        let width = max(2, Int((Double(first.width) * scale).rounded())), height = max(2, Int((Double(first.height) * scale).rounded()))
        var orbit = OrbitPath(count: frames, radius: layout.meanDistance, elevationDegrees: layout.meanElevationDegrees,
                              fieldOfViewYDegrees: 2 * atan(Double(first.height) / 2 / Double(first.fy)) * 180 / .pi,
                              width: width, height: height)
        orbit.target = layout.sceneCenter
        orbit.up = layout.up
        let writer = try VideoWriter(url: url, width: width, height: height, fps: fps)
        for camera in orbit.cameras() {
            try Cancellation.check()
            let image = try trainer.render(try SplatCamera(camera), background: background)
            try writer.append(Image(width: image.width, height: image.height, channels: 3,
                                    pixels: image.color.map { min(max($0, 0), 1) }))
        }
        try writer.finish()
    }

    static func peakMemoryBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024 // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss) // bytes on macOS
        #endif
    }
}
