import Estimate
import Foundation
import Geometry
import Media
import Reporting

/// Settings of `vid2world estimate`.
public struct EstimateOptions: Equatable, Sendable {
    public var features = FeatureOptions()
    public var reconstruction = ReconstructionOptions()
    /// Fewest keypoints an image must have to count as showing anything.
    public var minKeypoints: Int = 64
    /// Video input: most keyframes kept, how they are picked (`keyframes.budget` is replaced by
    /// `keyframeBudget`), and the longer side they are scaled to, in pixels.
    public var keyframeBudget: Int = 150
    public var keyframes = KeyframeSelectionOptions()
    public var videoLongSide: Int = 1280
    /// Depth maps of the registered views (`depth.enabled = false` skips them).
    public var depth = DepthOptions()
    /// Images are resampled to a pinhole camera when the estimated lens distortion moves some
    /// pixel by more than this many pixels; below it the distortion is dropped (under half a
    /// pixel at the worst corner, resampling would blur more than it corrects).
    public var undistortionThreshold: Double = 0.5
    /// Start from the focal length the video's metadata or the photos' EXIF record, when they
    /// do and no `reconstruction.focalPrior` is given (see `FocalPrior`).
    public var useRecordedFocal = true

    public init() {}

    public func validate() throws {
        try features.validate()
        try reconstruction.validate()
        guard minKeypoints >= 8 else { throw PipelineError.invalidOption("minKeypoints", reason: "must be at least 8, got \(minKeypoints)") }
        guard keyframes.minSpacing > 0, keyframes.minSpacing.isFinite else {
            throw PipelineError.invalidOption("keyframes.minSpacing", reason: "must be a positive fraction of the frame, got \(keyframes.minSpacing)")
        }
        guard keyframes.blurRatio >= 0, keyframes.blurRatio <= 1 else {
            throw PipelineError.invalidOption("keyframes.blurRatio", reason: "must be in [0, 1], got \(keyframes.blurRatio)")
        }
        guard keyframes.blurWindow >= 1 else { throw PipelineError.invalidOption("keyframes.blurWindow", reason: "must be at least 1, got \(keyframes.blurWindow)") }
        guard keyframeBudget >= 2 else { throw PipelineError.invalidOption("keyframeBudget", reason: "must be at least 2, got \(keyframeBudget)") }
        guard videoLongSide >= 64 else { throw PipelineError.invalidOption("videoLongSide", reason: "must be at least 64 pixels, got \(videoLongSide)") }
        try depth.validate()
        guard undistortionThreshold >= 0 else { throw PipelineError.invalidOption("undistortionThreshold", reason: "must be ≥ 0 pixels, got \(undistortionThreshold)") }
    }
}

/// What an estimate run produced (also written to `report.json`).
public struct EstimateResult: Sendable {
    public var images: [String]
    public var model: SparseModel
    public var meanReprojectionError: Double
    /// Seconds per stage: features, matching, mapping, writing.
    public var timings: [String: Double]
    /// Stages whose results came from the cache in the output folder.
    public var cached: [String]
    /// The focal length the reconstruction started from, and its source.
    public var focalPrior: FocalPrior
    /// Undistorted images and depth maps (nil until written).
    public var dense: DenseSummary? = nil
}

/// `vid2world estimate INPUT --out DIR`: a folder of images, or a video (keyframes go to
/// DIR/frames first), to cameras and sparse points.
///
/// DIR receives `images/` (links to, or copies of, the inputs), `cameras.json` (nerfstudio, the
/// registered images as pinhole cameras: the fit's input), `sparse/cameras.txt images.txt
/// points3D.txt` (COLMAP text model of the input images, lens distortion included),
/// `sparse.ply` (points with colours), `depth/` (depth maps), `undistorted/` (when the lens
/// distortion is noticeable; see `DenseOutputs`) and `report.json`. `cache/` keeps the features,
/// the verified pairs, the model and the depth maps' record, so a rerun resumes after the last
/// finished stage.
public enum EstimateJob {
    public static func run(input: URL, output: URL, options: EstimateOptions = .init(),
                           progress sink: ProgressSink? = nil) throws -> EstimateResult {
        try options.validate()
        var options = options
        var cached: [String] = []
        let files: [URL]
        if !isFolder(input) && options.reconstruction.matchPlan == .default {
            options.reconstruction.matchPlan = .video  // keyframes are ordered: neighbours plus loop closures
        }
        if isFolder(input) {
            files = try listImages(input)
        } else {
            let frames = output.appendingPathComponent("frames")
            if !FileManager.default.fileExists(atPath: frames.appendingPathComponent("frames.json").path) {
                try extractKeyframes(video: input, into: frames, options: options, progress: sink)
            } else {
                cached.append("frames")
            }
            files = try listImages(frames)
        }
        let names = files.map(\.lastPathComponent)
        let cache = output.appendingPathComponent("cache")
        let featureFolder = cache.appendingPathComponent("features")
        do { try FileManager.default.createDirectory(at: featureFolder, withIntermediateDirectories: true) } catch {
            throw PipelineError.invalidOption(output.path, reason: "cannot create the output folder (\(error.localizedDescription))")
        }
        var timings: [String: Double] = [:]

        // Features, cached per image.
        var clock = Date()
        let featureFiles = names.map { featureFolder.appendingPathComponent($0 + ".v2wfeat") }
        var features = [Features?](repeating: nil, count: files.count)
        for i in files.indices { features[i] = try? FeatureFile.read(featureFiles[i]) }
        let missing = files.indices.filter { features[$0] == nil }
        if missing.isEmpty { cached.append("features") }
        let progress = Progress(stage: "features", total: missing.count, unit: "images", sink: sink)
        let extracted = try FeatureExtractor(options: options.features).extract(files: missing.map { files[$0] }, progress: progress)
        for (k, i) in missing.enumerated() {
            features[i] = extracted[k]
            try FeatureFile.write(extracted[k], to: featureFiles[i])
        }
        let all = features.map { $0! }
        timings["features"] = Date().timeIntervalSince(clock)
        let blank = all.indices.filter { all[$0].count < options.minKeypoints }
        if all.count - blank.count < 2 {
            throw PipelineError.noFramesSelected(input.path, reason:
                "\(blank.count) of \(all.count) images have fewer than \(options.minKeypoints) keypoints: they look blank or featureless, so no cameras can be estimated")
        }

        // The starting focal length: given, recorded in the input's metadata, or the prior.
        let prior = FocalPrior.choose(video: isFolder(input) ? nil : input, photos: isFolder(input) ? files : [],
                                      width: all[0].width, height: all[0].height, options: options)
        options.reconstruction.focalPrior = prior.pixels

        // Verified pairs, cached for this image list, these features and these settings.
        clock = Date()
        let key = pairKey(names: names, features: all, options: options.reconstruction)
        let pairFile = cache.appendingPathComponent("pairs.v2wpair")
        var pairs: [VerifiedPair]? = FileManager.default.fileExists(atPath: pairFile.path) ? try? PairFile.read(pairFile, key: key) : nil
        if pairs == nil {
            let total = options.reconstruction.matchPlan.pairs(count: all.count).count
            pairs = try IncrementalReconstruction.verifyPairs(features: all, options: options.reconstruction,
                                                              progress: Progress(stage: "matching", total: total, unit: "pairs", sink: sink))
            try PairFile.write(pairs!, key: key, to: pairFile)
        } else {
            cached.append("matching")
        }
        timings["matching"] = Date().timeIntervalSince(clock)

        clock = Date()
        // The model, cached for these pairs and every reconstruction setting.
        let modelKey = key + "|mapping v1 \(options.reconstruction)"
        let modelFile = cache.appendingPathComponent("model.v2wmodel")
        let model: SparseModel
        if FileManager.default.fileExists(atPath: modelFile.path), let stored = try? ModelFile.read(modelFile, key: modelKey) {
            model = stored
            cached.append("mapping")
        } else {
            let mapping = Progress(stage: "mapping", total: all.count, unit: "images", sink: sink)
            model = try IncrementalReconstruction.reconstruct(features: all, pairs: pairs!, options: options.reconstruction, progress: mapping)
            try ModelFile.write(model, key: modelKey, to: modelFile)
        }
        timings["mapping"] = Date().timeIntervalSince(clock)

        clock = Date()
        let errors = model.reprojectionErrors(features: all)
        let mean = errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count)
        var result = EstimateResult(images: names, model: model, meanReprojectionError: mean, timings: timings, cached: cached,
                                    focalPrior: prior)
        try EstimateOutputs.write(result, files: files, features: all, to: output)
        result.timings["writing"] = Date().timeIntervalSince(clock)
        // Pinhole images for the fit and depth maps; cameras.json is rewritten to refer to them.
        let dense = try DenseOutputs.write(result, files: files, features: all, to: output, options: options, progress: sink)
        result.dense = dense
        if dense.depthCached { result.cached.append("depth") }
        result.timings["undistort"] = dense.undistortSeconds
        result.timings["depth"] = dense.depthSeconds
        try EstimateOutputs.writeReport(result, input: input, to: output.appendingPathComponent("report.json"))
        return result
    }

    static func isFolder(_ url: URL) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &folder) && folder.boolValue
    }

    /// Keyframes of a video, sharp and spread by image motion, up to `keyframeBudget`, scaled to
    /// `videoLongSide` (see `KeyframeExtraction`).
    static func extractKeyframes(video: URL, into folder: URL, options: EstimateOptions, progress: ProgressSink?) throws {
        let info = try VideoReader(url: video).info
        let longSide = max(info.width, info.height) > options.videoLongSide ? options.videoLongSide : nil
        var selection = options.keyframes
        selection.budget = options.keyframeBudget
        _ = try KeyframeExtraction.run(video: video, into: folder, longSide: longSide, options: selection, progress: progress)
    }

    /// Image files of a folder, sorted by name.
    static func listImages(_ input: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isFolder) else {
            throw PipelineError.invalidOption(input.path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else {
            throw PipelineError.invalidOption(input.path, reason: "expected a folder of images or a video")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(at: input, includingPropertiesForKeys: nil)) ?? []
        let images = entries.filter { ImageFile.looksLikeImage($0) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard images.count >= 2 else {
            throw PipelineError.noFramesSelected(input.path, reason: "found \(images.count) image(s); structure from motion needs at least 2, better 20 or more")
        }
        return images
    }

    /// What the verified pairs depend on.
    static func pairKey(names: [String], features: [Features], options: ReconstructionOptions) -> String {
        var parts = ["v2"]
        for (name, f) in zip(names, features) { parts.append("\(name):\(f.width)x\(f.height):\(f.count)") }
        parts.append("\(options.matchPlan) \(options.matching) \(options.twoView) \(options.minPairInliers) \(options.globalDescriptor) \(options.fieldOfViewPrior) \(String(describing: options.focalPrior)) \(String(describing: options.exhaustiveMatchKeypoints)) \(options.seed)")
        return parts.joined(separator: "|")
    }
}
