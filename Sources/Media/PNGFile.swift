import CMediaSupport
import Foundation

/// PNG reading (8/16-bit; gray, gray+alpha, RGB, RGBA, palette) and writing (8-bit RGB/RGBA,
/// 16-bit gray for depth maps) through libpng.
public enum PNGFile {
    public struct Info: Equatable, Sendable {
        public var width: Int
        public var height: Int
        /// As stored: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (palette reported as 3 or 4).
        public var channels: Int
        public var bitDepth: Int
        public var hasAlpha: Bool
    }

    public static func isPNG(_ data: Data) -> Bool {
        data.count >= 8 && data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    public static func info(_ url: URL) throws -> Info { try info(InputFile.readAll(url), path: url.path) }

    static func info(_ data: Data, path: String) throws -> Info {
        var raw = v2w_png_info()
        try call(path) { error, size in
            data.withUnsafeBytes { v2w_png_read_info($0.bindMemory(to: UInt8.self).baseAddress, data.count, &raw, error, size) }
        }
        guard raw.width > 0, raw.height > 0, Int(raw.width) * Int(raw.height) <= 1 << 28 else {
            throw MediaError.notMedia(path, reason: "implausible PNG size \(raw.width)×\(raw.height)")
        }
        return Info(width: Int(raw.width), height: Int(raw.height), channels: Int(raw.channels),
                    bitDepth: Int(raw.bit_depth), hasAlpha: raw.has_alpha != 0)
    }

    /// RGB, or RGBA when the file has alpha or transparency; gray is expanded to RGB.
    public static func read(_ url: URL) throws -> Image { try decode(InputFile.readAll(url), path: url.path) }

    static func decode(_ data: Data, path: String) throws -> Image {
        let header = try info(data, path: path)
        let channels = header.hasAlpha ? 4 : 3
        var pixels = [Float](repeating: 0, count: header.width * header.height * channels)
        try call(path) { error, size in
            data.withUnsafeBytes { bytes in
                pixels.withUnsafeMutableBufferPointer { out in
                    v2w_png_read_rgb_float(bytes.bindMemory(to: UInt8.self).baseAddress, data.count,
                                           out.baseAddress, out.count, error, size)
                }
            }
        }
        return Image(width: header.width, height: header.height, channels: channels, pixels: pixels)
    }

    /// The first channel as raw 16-bit values (a depth map written by `writeGray16`).
    public static func readGray16(_ url: URL) throws -> (width: Int, height: Int, values: [UInt16]) {
        let data = try InputFile.readAll(url)
        let header = try info(data, path: url.path)
        var values = [UInt16](repeating: 0, count: header.width * header.height)
        try call(url.path) { error, size in
            data.withUnsafeBytes { bytes in
                values.withUnsafeMutableBufferPointer { out in
                    v2w_png_read_gray16(bytes.bindMemory(to: UInt8.self).baseAddress, data.count,
                                        out.baseAddress, out.count, error, size)
                }
            }
        }
        return (header.width, header.height, values)
    }

    /// 8-bit RGB or RGBA, written to a temporary name and renamed.
    public static func write(_ image: Image, to url: URL) throws {
        try write(bytes: image.bytes(), width: image.width, height: image.height, channels: image.channels, to: url)
    }

    public static func write(bytes: [UInt8], width: Int, height: Int, channels: Int, to url: URL) throws {
        guard bytes.count == width * height * channels else {
            throw MediaError.invalidArgument(url.path, reason: "pixel count does not match \(width)×\(height)×\(channels)")
        }
        try AtomicFile.write(to: url) { temporary in
            try call(url.path, failure: { .writeFailed($0, reason: $1) }) { error, size in
                bytes.withUnsafeBytes { v2w_png_write(temporary.path, $0.baseAddress, Int32(width), Int32(height), Int32(channels), 8, error, size) }
            }
        }
    }

    /// 16-bit single-channel PNG (depth maps).
    public static func writeGray16(_ values: [UInt16], width: Int, height: Int, to url: URL) throws {
        guard values.count == width * height else {
            throw MediaError.invalidArgument(url.path, reason: "value count does not match \(width)×\(height)")
        }
        try AtomicFile.write(to: url) { temporary in
            try call(url.path, failure: { .writeFailed($0, reason: $1) }) { error, size in
                values.withUnsafeBytes { v2w_png_write(temporary.path, $0.baseAddress, Int32(width), Int32(height), 1, 16, error, size) }
            }
        }
    }

    /// Runs a C call that reports failure as -1 plus a message.
    private static func call(_ path: String,
                             failure: (String, String) -> MediaError = { path, reason in
                                 reason.contains("truncated") || reason.contains("CRC") || reason.contains("Read Error")
                                     ? .truncated(path, reason: reason) : .notMedia(path, reason: reason)
                             },
                             _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        if status != 0 { throw failure(path, String(cString: message)) }
    }
}
