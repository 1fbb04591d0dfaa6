import ArgumentParser
import Foundation
import Pipeline

struct FramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Extract PNG frames and a frames.json (timestamps, sharpness) from a video.")

    @Argument(help: "The video file.")
    var video: String

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Keep one frame in every N (with --sharpest: the window size).")
    var every: Int = 1

    @Option(name: .long, help: "Write at most N frames.")
    var max: Int?

    @Option(name: .customLong("long-side"), help: "Scale frames so the longer side is at most PX pixels.")
    var longSide: Int?

    @Flag(name: .long, help: "Keep the sharpest frame of each window of --every N frames (drops motion blur).")
    var sharpest = false

    @Option(name: .long, help: "Start time in seconds.")
    var start: Double?

    @Option(name: .long, help: "End time in seconds.")
    var end: Double?

    @OptionGroup var common: CommonOptions

    func run() throws {
        try perform {
            let options = FramesOptions(every: every, maxFrames: max, longSide: longSide, sharpest: sharpest,
                                        startSeconds: start, endSeconds: end)
            let result = try FramesJob.run(video: URL(fileURLWithPath: video), output: URL(fileURLWithPath: out),
                                           options: options, progress: common.progressSink)
            let summary = "wrote \(result.frames.count) frames to \(out) (decoded \(result.decoded)" +
                (result.droppedBlurry > 0 ? ", dropped \(result.droppedBlurry) blurrier" : "") + ")"
            if common.json {
                printJSON(["type": "result", "command": "frames", "frames": result.frames.count,
                           "decoded": result.decoded, "dropped_blurry": result.droppedBlurry, "out": out])
            } else {
                FileHandle.standardError.write((summary + "\n").data(using: .utf8)!)
            }
        }
    }
}
