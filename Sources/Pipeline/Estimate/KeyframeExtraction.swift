import Foundation
import Media
import Reporting

/// Video → keyframe PNGs for structure from motion, in two decoding passes: the first measures
/// every frame's sharpness and its motion from the previous frame (`FrameMotion`), the
/// selection (`KeyframeSelection`) is made with the whole video known, the second pass writes
/// the chosen frames. `frames.json` lists the keyframes and every dropped frame's reason.
enum KeyframeExtraction {
    static func run(video: URL, into folder: URL, longSide: Int?, options: KeyframeSelectionOptions,
                    progress sink: ProgressSink?) throws -> KeyframeSelection.Result {
        let readOptions = VideoReadOptions(longSide: longSide)
        var reader = try VideoReader(url: video, options: readOptions)
        let info = reader.info
        let progress = Progress(stage: "keyframes", total: 2 * max(1, info.frameCount), unit: "frames", sink: sink)
        var sharpness: [Double] = [], motion: [Double?] = [], indices: [Int] = []
        var tracker = FrameMotion()
        while let frame = try reader.next() {
            try Cancellation.check()
            sharpness.append(Sharpness.laplacianVariance(frame.image))
            motion.append(sharpness.count == 1 ? 0 : tracker.next(frame.image))
            indices.append(frame.index)
            progress.advance()
        }
        guard !sharpness.isEmpty else {
            throw PipelineError.noFramesSelected(video.path, reason: "the video holds no frames that could be decoded")
        }
        let selection = KeyframeSelection.choose(sharpness: sharpness, motion: fillLost(motion), options: options)

        // Second pass: write the chosen frames (decoding is cheaper than keeping every frame).
        let staging = try StagingFolder(destination: folder)
        let writer = BackgroundWriter()
        reader = try VideoReader(url: video, options: readOptions)
        let wanted = Dictionary(uniqueKeysWithValues: selection.keyframes.enumerated().map { (indices[$0.element], $0.offset) })
        var written: [[String: Any]] = []
        var position = 0
        while let frame = try reader.next(), written.count < wanted.count {
            try Cancellation.check()
            progress.advance()
            defer { position += 1 }
            guard let k = wanted[frame.index] else { continue }
            let name = String(format: "frame_%06d.png", k + 1)
            try writer.write(frame.image, to: staging.file(name))
            written.append(["file": name, "index": frame.index, "time": frame.time, "sharpness": sharpness[position]])
        }
        try writer.finish()
        progress.finish()
        guard written.count == wanted.count else {
            throw PipelineError.noFramesSelected(video.path, reason: "the second decoding pass gave \(written.count) of \(wanted.count) keyframes; the video decodes differently each time")
        }

        var counts: [String: Int] = [:]
        for reason in selection.dropped.values { counts[reason.rawValue, default: 0] += 1 }
        let manifest: [String: Any] = [
            "source": info.path,
            "video": ["codec": info.codec, "width": info.width, "height": info.height, "fps": info.fps,
                      "duration": info.durationSeconds, "rotation": info.rotation, "frame_count": info.frameCount],
            "selection": ["budget": options.budget, "min_spacing": options.minSpacing, "spacing": selection.spacing,
                          "blur_ratio": options.blurRatio, "long_side": longSide as Any],
            "decoded": sharpness.count,
            "frames": written,
            "dropped_counts": counts,
            "dropped": droppedRanges(selection.dropped, indices: indices),
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(data, to: staging.file("frames.json"))
        try staging.commit()
        return selection
    }

    /// Motions the tracker could not measure (blur, a cut) take the median of the measured
    /// ones within 15 frames, so a blurred frame neither jumps ahead nor stands still.
    static func fillLost(_ motion: [Double?]) -> [Double] {
        motion.indices.map { i in
            if let m = motion[i] { return m }
            let near = motion[max(0, i - 15)...min(motion.count - 1, i + 15)].compactMap { $0 }.sorted()
            return near.isEmpty ? 0 : near[near.count / 2]
        }
    }

    /// Dropped frames as runs of consecutive video frame indices with one reason.
    static func droppedRanges(_ dropped: [Int: KeyframeDropReason], indices: [Int]) -> [[String: Any]] {
        var ranges: [[String: Any]] = []
        var start: Int?, reason: KeyframeDropReason?
        for position in 0...indices.count {
            let current = position < indices.count ? dropped[position] : nil
            if current != reason || current == nil {
                if let start, let reason { ranges.append(["from": indices[start], "to": indices[position - 1], "reason": reason.rawValue]) }
                start = current == nil ? nil : position
                reason = current
            }
        }
        return ranges
    }
}
