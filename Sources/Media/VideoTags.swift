import CFFmpeg
import Foundation

/// The metadata tags of a video file as libavformat exposes them: the container's dictionary
/// (QuickTime/MP4 `mdta` keys such as `com.apple.quicktime.camera.focal_length.35mm_equivalent`
/// land here) and the video stream's, the container's winning where both have a key.
public enum VideoTags {
    public static func read(_ url: URL) throws -> [String: String] {
        try InputFile.check(url)
        FFmpeg.silenceLogs()
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let status = avformat_open_input(&context, url.path, nil, nil)
        guard status >= 0, let format = context else {
            throw MediaError.notMedia(url.path, reason: FFmpeg.message(status))
        }
        defer { avformat_close_input(&context) }
        var tags: [String: String] = [:]
        for i in 0..<Int(format.pointee.nb_streams) {
            guard let stream = format.pointee.streams[i], stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO else { continue }
            collect(stream.pointee.metadata, into: &tags)
            break
        }
        collect(format.pointee.metadata, into: &tags)
        return tags
    }

    private static func collect(_ dictionary: OpaquePointer?, into tags: inout [String: String]) {
        guard let dictionary else { return }
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            if let key = next.pointee.key, let value = next.pointee.value { tags[String(cString: key)] = String(cString: value) }
            entry = next
        }
    }
}
