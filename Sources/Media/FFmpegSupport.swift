import CFFmpeg
import Foundation

enum FFmpeg {
    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        v2w_error_string(code, &buffer, buffer.count)
        return String(cString: buffer)
    }

    static let eagain = v2w_averror_eagain()
    static let eof = v2w_averror_eof()

    static func seconds(_ value: Int64, _ base: AVRational) -> Double {
        Double(value) * Double(base.num) / Double(base.den)
    }

    /// Errors reach the user through MediaError; FFmpeg's own log lines would only add noise.
    static func silenceLogs() { av_log_set_level(AV_LOG_QUIET) }
}
