import ArgumentParser
import Foundation
import Pipeline

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate cameras and sparse points from a folder of images or a video (structure from motion).",
        discussion: """
        Writes cameras.json (nerfstudio, pinhole: what `fit` reads), sparse/ (COLMAP text model), \
        sparse.ply, depth/ (a depth and a confidence map per registered image), undistorted/ (when \
        the lens distortion is noticeable) and report.json into --out; cache/ there keeps features \
        and matches so a rerun resumes.
        """)

    @Argument(help: "A folder of images of one scene taken with one camera (same size), or a video.")
    var input: String

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Focal length in pixels, when known (else the one the video's metadata or the photos' EXIF record, else from --fov; refined either way).")
    var focal: Double?

    @Option(name: .long, help: "Field-of-view prior across the longer image side, in degrees (when no focal length is given or recorded).")
    var fov: Double = 60

    @Flag(name: .customLong("no-recorded-focal"), help: "Ignore a focal length recorded in the video's metadata or the photos' EXIF.")
    var noRecordedFocal = false

    @Option(name: .long, help: "Match each image with its next N only (ordered frames); default: all pairs up to 300 images, else (and for a video) the next 10 plus loop closures.")
    var sequential: Int?

    @Flag(name: .long, help: "Match every pair whatever the count (unordered photo sets of more than 300; slow: pairs grow as n²).")
    var exhaustive = false

    @Option(name: .customLong("max-keypoints"), help: "Most keypoints per image.")
    var maxKeypoints: Int = 8192

    @Option(name: .long, help: "Video input: most keyframes (sharp frames, spread by image motion).")
    var keyframes: Int = 150

    @Flag(name: .customLong("no-depth"), help: "Skip the depth maps.")
    var noDepth = false

    @Option(name: .customLong("depth-size"), help: "Longer side of the depth maps, in pixels.")
    var depthSize: Int = 320

    @Option(name: .long, help: "Seed of every random choice.")
    var seed: UInt64 = 0

    @OptionGroup var common: CommonOptions

    func run() throws {
        try perform {
            var options = EstimateOptions()
            options.features.maxKeypoints = maxKeypoints
            options.reconstruction.fieldOfViewPrior = fov
            options.reconstruction.focalPrior = focal
            options.useRecordedFocal = !noRecordedFocal
            options.reconstruction.seed = seed
            options.keyframeBudget = keyframes
            options.depth.enabled = !noDepth
            options.depth.longSide = depthSize
            if exhaustive, sequential != nil {
                throw PipelineError.invalidOption("--exhaustive", reason: "matches every pair; it cannot be combined with --sequential")
            }
            if let sequential { options.reconstruction.matchPlan = .sequential(overlap: sequential) }
            if exhaustive { options.reconstruction.matchPlan = .exhaustive }
            let result = try EstimateJob.run(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out),
                                             options: options, progress: common.progressSink)
            let model = result.model
            if common.json {
                printJSON(["type": "result", "command": "estimate", "images": result.images.count, "registered": model.registeredCount,
                           "points": model.points.count, "mean_reprojection_error_px": result.meanReprojectionError,
                           "focal": model.intrinsics.focal, "focal_prior": result.focalPrior.pixels,
                           "focal_prior_source": result.focalPrior.source, "depth_maps": result.dense?.depthMaps ?? 0,
                           "undistorted": result.dense?.undistorted ?? false, "out": out])
            } else {
                let line = "registered \(model.registeredCount) of \(result.images.count) images, \(model.points.count) points, " +
                    String(format: "mean reprojection error %.2f px, focal %.1f px", result.meanReprojectionError, model.intrinsics.focal) +
                    (result.dense.map { d in
                        (d.undistorted ? "; images undistorted" : "") +
                            (d.depthMaps > 0 ? String(format: "; %d depth maps (%.0f %% covered)", d.depthMaps, 100 * d.depthCoverage) : "")
                    } ?? "") +
                    "; wrote \(out)\n"
                FileHandle.standardError.write(line.data(using: .utf8)!)
                FileHandle.standardError.write((String(format: "  focal started at %.1f px: ", result.focalPrior.pixels) + result.focalPrior.source + "\n").data(using: .utf8)!)
                for (i, reason) in model.unregistered.sorted(by: { $0.key < $1.key }) {
                    FileHandle.standardError.write("  not registered: \(result.images[i]): \(reason)\n".data(using: .utf8)!)
                }
            }
        }
    }
}
