import Foundation
import Media

/// Decodes a whole video to packed RGB (or to float images with --float) and prints frames/s and
/// peak memory as `key value` lines.
enum DecodeBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let path = arguments.first else { throw MediaError.invalidArgument("decode", reason: "give a video file") }
        var threads = 0
        if let i = arguments.firstIndex(of: "--threads"), i + 1 < arguments.count { threads = Int(arguments[i + 1]) ?? 0 }
        let floats = arguments.contains("--float")
        let reader = try VideoReader(url: URL(fileURLWithPath: path), options: VideoReadOptions(threads: threads))
        let start = Date()
        var frames = 0
        var checksum = 0
        if floats {
            while let frame = try reader.next() {
                frames += 1
                checksum &+= Int(frame.image.pixels[frame.image.pixels.count / 2] * 255)
            }
        } else {
            var buffer: [UInt8] = []
            while try reader.nextRGB8(into: &buffer) != nil {
                frames += 1
                checksum &+= Int(buffer[buffer.count / 2])
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("frames \(frames)")
        print(String(format: "seconds %.3f", seconds))
        print(String(format: "fps %.1f", Double(frames) / seconds))
        print(String(format: "peak_mib %.1f", peakMemoryMiB()))
        print("checksum \(checksum)")
    }
}
