import Foundation
import Reporting

/// Settings of `vid2world IMAGE --orbit`.
public struct OrbitRouteOptions: Equatable {
    public var generate = GenerateOptions()
    public var fit = OrbitRouteOptions.fitDefaults

    public init() {}

    /// A fit suited to a few tiny generated views (32 px in the shipped model): short, small,
    /// degree-1 colour (the views cannot pin down more), full size throughout (halving 32 px
    /// leaves nothing to learn from), nothing held out (every view counts), a preview rendered
    /// larger than the views.
    public static var fitDefaults: FitOptions {
        var o = FitOptions()
        o.iterations = 1500
        o.shDegree = 1
        o.shDegreeInterval = 500
        o.downscaleLevels = 0
        o.initialSplats = 3000
        o.maxSplats = 30_000
        o.densifyFrom = 200
        o.densifyEvery = 100
        o.opacityResetEvery = 0
        o.holdoutEvery = 0
        o.checkpointEvery = 0
        o.previewFrames = 48
        o.previewLongSide = 256
        return o
    }
}

public struct OrbitRouteResult {
    public var generate: GenerateResult
    public var fit: FitResult
}

/// `vid2world IMAGE --orbit --out SCENE`: generate an orbit of the object (GenerateJob), then fit
/// splats to those views (FitJob). SCENE receives the generate outputs (images/, cameras.json,
/// input.png, orbit.mp4), then scene.ply and preview.mp4, and a report.json holding both stages'.
/// Each stage commits its files whole; a failed fit leaves the generated clip, itself a valid
/// input of `vid2world fit`.
public enum OrbitRoute {
    public static func run(image: URL, output: URL, options: OrbitRouteOptions = .init(),
                           progress sink: ProgressSink? = nil) throws -> OrbitRouteResult {
        try options.generate.validate()
        try options.fit.validate()
        let clock = Date()
        let generated = try GenerateJob.run(image: image, output: output, options: options.generate, progress: sink)
        let generateReport = try RouteReport.read(output.appendingPathComponent("report.json"))
        let generateSeconds = Date().timeIntervalSince(clock)

        let fitClock = Date()
        let (loaded, notes) = try fitData(output, generated: generated, options: options.generate)
        let fit = try FitJob.run(loaded: loaded, data: output, output: output, options: options.fit, progress: sink)
        let fitReport = try RouteReport.read(output.appendingPathComponent("report.json"))
        let fitSeconds = Date().timeIntervalSince(fitClock)

        try RouteReport.write(route: "orbit", input: image, stages: ["generate": generateReport, "fit": fitReport],
                              timings: ["generate": generateSeconds, "fit": fitSeconds, "total": Date().timeIntervalSince(clock)],
                              notes: notes, to: output.appendingPathComponent("report.json"))
        return OrbitRouteResult(generate: generated, fit: fit)
    }

    /// The generated clip as fit data, with the framed input in place of the generated view at
    /// the input's camera: it is the one true view of the object, which the model only redraws.
    static func fitData(_ output: URL, generated: GenerateResult, options: GenerateOptions) throws -> (FitData, [String]) {
        var loaded = try FitData.load(output)
        let input = generated.framed.image
        guard let view = inputView(generated, options: options), loaded.views.indices.contains(view),
              loaded.views[view].channels == input.channels, loaded.views[view].pixels.count == input.pixels.count else {
            return (loaded, [])
        }
        loaded.views[view].pixels = input.bytes()
        return (loaded, ["the fit uses input.png (the framed input) in place of \(loaded.frames[view].filePath), at its camera"])
    }

    /// The generated view whose camera is the input's (azimuth 0 on the first ring, when that
    /// ring is at the input's elevation), if any.
    static func inputView(_ generated: GenerateResult, options: GenerateOptions) -> Int? {
        let inputElevation = options.inputElevation ?? generated.config.orbitElevation
        guard options.ringOffsets.first == 0, inputElevation == generated.config.orbitElevation,
              generated.frames.first?.filePath == "images/view_000.png" else { return nil }
        return 0
    }
}
