import Foundation

/// Reads any still image: PNG through libpng (all bit depths, alpha kept), other formats (JPEG,
/// WebP, BMP, ...) through libavcodec as RGB. JPEGs are turned upright by their EXIF orientation.
public enum ImageFile {
    /// What `vid2world probe` reports for a still image.
    public struct Info: Equatable, Sendable {
        public var format: String
        public var width: Int
        public var height: Int
        /// Channels as stored (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
        public var channels: Int
        public var bitDepth: Int
    }

    public static func read(_ url: URL) throws -> Image {
        let data = try InputFile.readAll(url)
        if PNGFile.isPNG(data) { return try PNGFile.decode(data, path: url.path) }
        try checkJPEGComplete(data, path: url.path)
        let reader = try VideoReader(url: url)
        guard let frame = try reader.next() else { throw MediaError.truncated(url.path, reason: "no picture could be decoded") }
        return ExifOrientation.apply(ExifOrientation.read(jpeg: data), to: frame.image)
    }

    public static func info(_ url: URL) throws -> Info {
        let data = try InputFile.readAll(url)
        if PNGFile.isPNG(data) {
            let png = try PNGFile.info(data, path: url.path)
            return Info(format: "png", width: png.width, height: png.height, channels: png.channels, bitDepth: png.bitDepth)
        }
        try checkJPEGComplete(data, path: url.path)
        let video = try VideoReader(url: url).info
        let gray = video.pixelFormat.hasPrefix("gray")
        let alpha = video.pixelFormat.contains("a") && (video.pixelFormat.hasPrefix("rgba") || video.pixelFormat.hasPrefix("yuva") || video.pixelFormat.hasPrefix("bgra") || video.pixelFormat.hasPrefix("argb") || video.pixelFormat.hasPrefix("ya"))
        let swap = ExifOrientation.swapsAxes(ExifOrientation.read(jpeg: data))
        return Info(format: video.codec, width: swap ? video.height : video.width, height: swap ? video.width : video.height,
                    channels: (gray ? 1 : 3) + (alpha ? 1 : 0), bitDepth: video.pixelFormat.contains("16") ? 16 : 8)
    }

    /// True for file names this tool treats as still images.
    public static func looksLikeImage(_ url: URL) -> Bool {
        ["png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff"].contains(url.pathExtension.lowercased())
    }

    /// libavcodec decodes a cut-off JPEG without complaint (grey rows at the bottom), so check that
    /// the data ends with the end-of-image marker (allowing trailing padding).
    private static func checkJPEGComplete(_ data: Data, path: String) throws {
        guard data.count >= 3, data[data.startIndex] == 0xFF, data[data.startIndex + 1] == 0xD8 else { return }
        let tail = data.suffix(64)
        var found = false
        var previous: UInt8 = 0
        for byte in tail {
            if previous == 0xFF && byte == 0xD9 { found = true }
            previous = byte
        }
        if !found { throw MediaError.truncated(path, reason: "JPEG data ends before its end-of-image marker") }
    }
}
