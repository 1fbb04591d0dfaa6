import Foundation
import Media
import Splats

/// `report.json` of a fit: settings, timings (seconds), metrics, splat count, peak memory.
enum FitReport {
    static func write(_ result: FitResult, options: FitOptions, data: URL, camerasFile: URL, initialSplats: Int,
                      strategy: String, timings: [String: Double], to url: URL) throws {
        func metrics(_ m: ImageMetrics?) -> Any {
            guard let m else { return NSNull() }
            return ["psnr": m.psnr, "ssim": m.ssim]
        }
        let report: [String: Any] = [
            "data": data.path,
            "cameras_file": camerasFile.path,
            "settings": [
                "iterations": options.iterations, "sh_degree": options.shDegree, "sh_degree_interval": options.shDegreeInterval,
                "downscale_levels": options.downscaleLevels, "downscale_interval": options.resolvedDownscaleInterval,
                "max_splats": options.maxSplats, "strategy": strategy, "seed": options.seed,
                "holdout_every": options.holdoutEvery, "initial_splats": initialSplats,
                "checkpoint_every": options.checkpointEvery,
                "depth_init": options.depthInit, "depth_points_target": options.depthPoints,
                "depth_confidence": Double(options.depthConfidence),
                "densify_from": options.densifyFrom, "densify_every": options.densifyEvery,
                "densify_until": options.densifyUntil as Any, "opacity_reset_every": options.opacityResetEvery, "resumed": options.resume,
                "exposure_compensation": options.exposureCompensation, "visible_adam": options.visibleAdam, "mask_mode": options.maskMode.rawValue,
                "background": options.background.rawValue, "evaluation_background": options.evaluationBackground.map(Double.init),
                "ssim_weight": Double(options.ssimWeight), "threads": options.threads,
            ] as [String: Any],
            "views": ["train": result.trainViews, "held_out": result.heldOutViews],
            "iterations_run": result.iterationsRun,
            "iterations_per_second": result.iterationsPerSecond,
            "timings_seconds": timings,
            "train": metrics(result.train),
            "held_out": metrics(result.heldOut),
            "splats": result.splats,
            "initial_points": ["total": initialSplats, "from_depth": result.depthPoints] as [String: Any],
            "peak_memory_bytes": result.peakMemoryBytes,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(json, to: url)
    }
}
