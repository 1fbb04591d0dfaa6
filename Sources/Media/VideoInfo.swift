import Foundation

/// Stream facts of a video file, as `vid2world probe` prints them.
public struct VideoInfo: Equatable, Sendable, Codable {
    public var path: String
    public var container: String
    public var codec: String
    public var pixelFormat: String
    /// Frame size as stored in the file.
    public var storedWidth: Int
    public var storedHeight: Int
    /// Clockwise rotation (0, 90, 180, 270) a player applies to show the video upright.
    public var rotation: Int
    /// Frame size as shown, after rotation.
    public var width: Int
    public var height: Int
    public var fps: Double
    public var durationSeconds: Double
    public var frameCount: Int
    /// False when the container does not store a frame count and it was estimated from duration × fps.
    public var frameCountIsExact: Bool
    public var hasAudio: Bool
}

/// Which frames of a video to decode and how large to make them.
public struct VideoReadOptions: Equatable, Sendable {
    /// Keep every `step`-th frame of the selected time range (1 = all).
    public var step: Int = 1
    /// Start of the time range in seconds (inclusive); nil = from the start.
    public var startSeconds: Double? = nil
    /// End of the time range in seconds (exclusive); nil = to the end.
    public var endSeconds: Double? = nil
    /// Stop after this many output frames; nil = no limit.
    public var maxFrames: Int? = nil
    /// Scale so the longer side of the upright frame is at most this many pixels; nil = full size.
    public var longSide: Int? = nil
    /// Decoder threads; 0 lets FFmpeg pick (all cores).
    public var threads: Int = 0

    public init(step: Int = 1, startSeconds: Double? = nil, endSeconds: Double? = nil,
                maxFrames: Int? = nil, longSide: Int? = nil, threads: Int = 0) {
        self.step = step
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.maxFrames = maxFrames
        self.longSide = longSide
        self.threads = threads
    }

    public func validate() throws {
        if step < 1 { throw MediaError.invalidArgument("step", reason: "must be at least 1, got \(step)") }
        if let maxFrames, maxFrames < 1 { throw MediaError.invalidArgument("max frames", reason: "must be at least 1, got \(maxFrames)") }
        if let longSide, longSide < 8 { throw MediaError.invalidArgument("long side", reason: "must be at least 8 pixels, got \(longSide)") }
        if let startSeconds, startSeconds < 0 { throw MediaError.invalidArgument("start", reason: "must not be negative") }
        if let startSeconds, let endSeconds, endSeconds <= startSeconds {
            throw MediaError.invalidArgument("time range", reason: "end \(endSeconds) s is not after start \(startSeconds) s")
        }
        if threads < 0 { throw MediaError.invalidArgument("threads", reason: "must not be negative") }
    }
}

/// One decoded frame: its position in the stream and its picture.
public struct VideoFrame: Sendable {
    /// Index of the frame among all decoded frames of the stream (before any step).
    public var index: Int
    /// Presentation time in seconds from the start of the stream.
    public var time: Double
    public var image: Image
}
