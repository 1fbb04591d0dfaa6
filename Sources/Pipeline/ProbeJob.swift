import Foundation
import Media

/// `vid2world probe`: the facts of a video or an image, without decoding more than needed.
public enum ProbeJob {
    public enum Result: Equatable {
        case video(VideoInfo)
        case image(path: String, info: ImageFile.Info)
    }

    public static func run(_ url: URL) throws -> Result {
        if ImageFile.looksLikeImage(url) {
            return .image(path: url.path, info: try ImageFile.info(url))
        }
        let info = try VideoReader.probe(url)
        // A single-frame stream from an image demuxer is a still picture, whatever its name.
        if info.container.contains("image") || info.container.hasSuffix("_pipe") {
            return .image(path: url.path, info: try ImageFile.info(url))
        }
        return .video(info)
    }

    public static func text(_ result: Result) -> String {
        switch result {
        case .video(let v):
            var lines = [
                "file        \(v.path)",
                "kind        video (\(v.container))",
                "codec       \(v.codec), \(v.pixelFormat)",
                "size        \(v.width)×\(v.height)" + (v.rotation != 0 ? " (stored \(v.storedWidth)×\(v.storedHeight), rotated \(v.rotation)° clockwise)" : ""),
                String(format: "fps         %.3f", v.fps),
                String(format: "duration    %.3f s", v.durationSeconds),
                "frames      \(v.frameCount)" + (v.frameCountIsExact ? "" : " (estimated)"),
                "rotation    \(v.rotation)",
            ]
            if v.hasAudio { lines.append("audio       yes (ignored)") }
            return lines.joined(separator: "\n")
        case .image(let path, let info):
            let layout = ["", "gray", "gray+alpha", "RGB", "RGBA"][min(info.channels, 4)]
            return ["file        \(path)",
                    "kind        image (\(info.format))",
                    "size        \(info.width)×\(info.height)",
                    "channels    \(info.channels) (\(layout)), \(info.bitDepth)-bit"].joined(separator: "\n")
        }
    }

    public static func json(_ result: Result) -> [String: Any] {
        switch result {
        case .video(let v):
            return ["kind": "video", "path": v.path, "container": v.container, "codec": v.codec,
                    "pixel_format": v.pixelFormat, "width": v.width, "height": v.height,
                    "stored_width": v.storedWidth, "stored_height": v.storedHeight, "rotation": v.rotation,
                    "fps": v.fps, "duration": v.durationSeconds, "frame_count": v.frameCount,
                    "frame_count_exact": v.frameCountIsExact, "has_audio": v.hasAudio]
        case .image(let path, let info):
            return ["kind": "image", "path": path, "format": info.format, "width": info.width,
                    "height": info.height, "channels": info.channels, "bit_depth": info.bitDepth]
        }
    }
}
