import Foundation
import Media
import Reporting

/// Settings of `vid2world frames`.
public struct FramesOptions: Equatable, Sendable {
    /// Keep one frame in every `every` (with `sharpest`, the size of the window the sharpest frame is picked from).
    public var every: Int = 1
    /// Stop after this many frames are written.
    public var maxFrames: Int? = nil
    /// Scale frames so their longer side is at most this many pixels.
    public var longSide: Int? = nil
    /// Keep the sharpest frame of each window of `every` frames instead of every `every`-th frame.
    public var sharpest: Bool = false
    public var startSeconds: Double? = nil
    public var endSeconds: Double? = nil

    public init(every: Int = 1, maxFrames: Int? = nil, longSide: Int? = nil, sharpest: Bool = false,
                startSeconds: Double? = nil, endSeconds: Double? = nil) {
        self.every = every
        self.maxFrames = maxFrames
        self.longSide = longSide
        self.sharpest = sharpest
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
    }

    public func validate() throws {
        if every < 1 { throw PipelineError.invalidOption("--every", reason: "must be at least 1, got \(every)") }
        if sharpest && every < 2 {
            throw PipelineError.invalidOption("--sharpest", reason: "picks the sharpest frame of each window of --every N frames; give --every 2 or more")
        }
        if let maxFrames, maxFrames < 1 { throw PipelineError.invalidOption("--max", reason: "must be at least 1, got \(maxFrames)") }
        if let longSide, longSide < 8 { throw PipelineError.invalidOption("--long-side", reason: "must be at least 8 pixels, got \(longSide)") }
    }
}

/// What a frames run did, as written to `frames.json`.
public struct FramesResult: Equatable, Sendable {
    public struct Frame: Equatable, Sendable {
        public var file: String
        public var index: Int
        public var time: Double
        public var sharpness: Double
    }
    public var frames: [Frame]
    public var decoded: Int
    /// Frames decoded but not kept because a sharper frame won their window.
    public var droppedBlurry: Int
}

/// `vid2world frames`: decodes a video and writes PNG frames plus `frames.json` (timestamps,
/// sharpness). Everything goes through a staging folder, so a failure leaves nothing behind.
public enum FramesJob {
    public static func run(video: URL, output: URL, options: FramesOptions, progress sink: ProgressSink?) throws -> FramesResult {
        try options.validate()
        let readOptions = VideoReadOptions(step: options.sharpest ? 1 : options.every,
                                           startSeconds: options.startSeconds, endSeconds: options.endSeconds,
                                           maxFrames: options.sharpest ? nil : options.maxFrames,
                                           longSide: options.longSide)
        let reader = try VideoReader(url: video, options: readOptions)
        let staging = try StagingFolder(destination: output)
        let writer = BackgroundWriter()

        var range = reader.info.durationSeconds
        if let end = options.endSeconds { range = min(range, end) }
        range -= options.startSeconds ?? 0
        let expected = max(1, Int((range * reader.info.fps).rounded()))
        let progress = Progress(stage: "frames", total: expected, unit: "frame", sink: sink)

        var kept: [FramesResult.Frame] = []
        var decoded = 0
        var picker = SharpestPicker<(frame: VideoFrame, score: Double)>(window: options.sharpest ? options.every : 1)

        func keep(_ frame: VideoFrame, sharpness: Double) throws {
            let name = String(format: "frame_%06d.png", kept.count + 1)
            try writer.write(frame.image, to: staging.file(name))
            kept.append(.init(file: name, index: frame.index, time: frame.time, sharpness: sharpness))
        }

        while let frame = try reader.next() {
            try Cancellation.check()
            decoded += 1
            progress.advance(options.sharpest ? 1 : options.every)
            let score = Sharpness.laplacianVariance(frame.image)
            if options.sharpest {
                if let winner = picker.offer((frame, score), score: score) { try keep(winner.frame, sharpness: winner.score) }
            } else {
                try keep(frame, sharpness: score)
            }
            if let maxFrames = options.maxFrames, kept.count >= maxFrames { break }
        }
        if options.sharpest, options.maxFrames.map({ kept.count < $0 }) ?? true, let winner = picker.flush() {
            try keep(winner.frame, sharpness: winner.score)
        }
        try writer.finish()
        progress.finish()
        guard !kept.isEmpty else {
            throw PipelineError.noFramesSelected(video.path, reason: "the selected time range holds no frames")
        }

        let result = FramesResult(frames: kept, decoded: decoded,
                                  droppedBlurry: options.sharpest ? decoded - kept.count : 0)
        try writeManifest(result, video: reader.info, options: options, to: staging.file("frames.json"))
        try staging.commit()
        return result
    }

    static func writeManifest(_ result: FramesResult, video: VideoInfo, options: FramesOptions, to url: URL) throws {
        let manifest: [String: Any] = [
            "source": video.path,
            "video": ["codec": video.codec, "width": video.width, "height": video.height, "fps": video.fps,
                      "duration": video.durationSeconds, "rotation": video.rotation, "frame_count": video.frameCount],
            "selection": ["every": options.every, "sharpest": options.sharpest, "max": options.maxFrames as Any,
                          "long_side": options.longSide as Any, "start": options.startSeconds as Any, "end": options.endSeconds as Any],
            "decoded": result.decoded,
            "dropped_blurry": result.droppedBlurry,
            "frames": result.frames.map { ["file": $0.file, "index": $0.index, "time": $0.time, "sharpness": $0.sharpness] },
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: url)
    }
}

/// Encodes PNGs on a background queue while the next frames decode; at most two are in flight,
/// so memory stays flat.
final class BackgroundWriter {
    private let queue = DispatchQueue(label: "vid2world.frames.writer")
    private let slots = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    private var failure: Error?

    func write(_ image: Image, to url: URL) throws {
        try rethrowFailure()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            do { try PNGFile.write(image, to: url) } catch { lock.withLock { if failure == nil { failure = error } } }
        }
    }

    func finish() throws {
        queue.sync {}
        try rethrowFailure()
    }

    private func rethrowFailure() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
