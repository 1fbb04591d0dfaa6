import Foundation
import Geometry
import Media
import Reporting

/// Settings of `vid2world VIDEO --out SCENE` (a folder of photos works the same).
public struct VideoRouteOptions: Equatable {
    public var estimate = EstimateOptions()
    public var fit = FitOptions()

    public init() {}
}

public struct VideoRouteResult {
    public var estimate: EstimateResult
    public var fit: FitResult
    /// Which model and images the fit started from, relative to SCENE.
    public var fitInput: String
    public var notes: [String]
}

/// `vid2world VIDEO --out SCENE`: keyframes → cameras and sparse points (EstimateJob, kept in
/// SCENE/estimate so a rerun resumes from its cache) → splats started from those points
/// (FitJob) → scene.ply, preview.mp4, cameras.json and a report.json holding every stage's.
public enum VideoRoute {
    public static let estimateFolderName = "estimate"

    public static func run(input: URL, output: URL, options: VideoRouteOptions = .init(),
                           progress sink: ProgressSink? = nil) throws -> VideoRouteResult {
        try options.estimate.validate()
        try options.fit.validate()
        guard FileManager.default.fileExists(atPath: input.path) else {
            throw PipelineError.badData(input.path, reason: "no such file or folder")
        }
        let clock = Date()
        let folder = output.appendingPathComponent(estimateFolderName)
        var notes: [String] = []
        let estimate = try EstimateJob.run(input: input, output: folder, options: options.estimate, progress: sink)

        // The fit wants ideal pinhole cameras: the estimate resampled its images to one when the
        // lens distortion mattered (more than `undistortionThreshold`); otherwise it is dropped.
        var loaded: FitData, fitInput: String
        if let undistorted = try FitInputs.undistorted(in: folder) {
            (loaded, fitInput) = undistorted
        } else {
            let shift = try FitInputs.distortionShift(in: folder)
            if shift >= 0.01 {
                notes.append(String(format: "lens distortion of at most %.2f px at the corners ignored", shift))
            }
            (loaded, fitInput) = try FitInputs.sparse(in: folder)
        }
        let estimateSeconds = Date().timeIntervalSince(clock)
        // cameras.json in SCENE names the images relative to SCENE.
        for i in loaded.frames.indices { loaded.frames[i].filePath = estimateFolderName + "/" + loaded.frames[i].filePath }

        let fitClock = Date()
        let fit = try FitJob.run(loaded: loaded, data: folder, output: output, options: options.fit, progress: sink)
        let fitSeconds = Date().timeIntervalSince(fitClock)

        var estimateReport = try RouteReport.read(folder.appendingPathComponent("report.json"))
        estimateReport["settings"] = settings(options.estimate)
        estimateReport["fit_input"] = estimateFolderName + "/" + fitInput
        let fitReport = try RouteReport.read(output.appendingPathComponent("report.json"))
        try RouteReport.write(route: "video", input: input, stages: ["estimate": estimateReport, "fit": fitReport],
                              timings: ["estimate": estimateSeconds, "fit": fitSeconds, "total": Date().timeIntervalSince(clock)],
                              notes: notes, to: output.appendingPathComponent("report.json"))
        return VideoRouteResult(estimate: estimate, fit: fit, fitInput: estimateFolderName + "/" + fitInput, notes: notes)
    }

    static func settings(_ o: EstimateOptions) -> [String: Any] {
        var plan = "\(o.reconstruction.matchPlan)"
        if case let .sequential(overlap) = o.reconstruction.matchPlan { plan = "sequential(\(overlap))" }
        return ["max_keypoints": o.features.maxKeypoints, "fov_prior": o.reconstruction.fieldOfViewPrior,
                "focal": o.reconstruction.focalPrior as Any, "match_plan": plan, "seed": o.reconstruction.seed,
                "refine_distortion": o.reconstruction.refineDistortion, "keyframes": o.keyframeBudget,
                "video_long_side": o.videoLongSide, "min_keypoints": o.minKeypoints]
    }
}
