import Foundation

/// A focal length the camera wrote into its file, and where it was found.
///
/// Phones record it as a 35 mm-equivalent focal length (EXIF `FocalLengthIn35mmFilm`, Apple's
/// QuickTime key `com.apple.quicktime.camera.focal_length.35mm_equivalent`); cameras may instead
/// give the true focal length with the sensor's pixel density (EXIF `FocalLength` with
/// `FocalPlaneXResolution`). Android phones write no focal length into their videos.
public struct RecordedFocal: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        /// Millimetres on a 36 × 24 mm frame, matched by the diagonal (the usual reading of
        /// "35 mm equivalent"), so it applies to the picture whatever its size and aspect.
        case equivalent35mm(Double)
        /// Pixels for a picture of the given size; scales with the picture.
        case pixels(Double, width: Int, height: Int)
    }

    public var value: Value
    /// Which tag it came from and what it said, for the report.
    public var source: String

    public init(value: Value, source: String) { self.value = value; self.source = source }

    /// The focal length in pixels for a picture of this size (the recorded frame, scaled).
    public func pixels(width: Int, height: Int) -> Double {
        switch value {
        case let .equivalent35mm(mm):
            return mm * (Double(width * width + height * height)).squareRoot() / (36.0 * 36.0 + 24.0 * 24.0).squareRoot()
        case let .pixels(f, w, h):
            return f * Double(max(width, height)) / Double(max(w, h))
        }
    }

    /// Apple's QuickTime key for the 35 mm-equivalent focal length of a video.
    public static let quickTimeKey = "com.apple.quicktime.camera.focal_length.35mm_equivalent"

    /// The focal length in a video's metadata tags (see `VideoTags`), if one is recorded.
    public static func video(tags: [String: String]) -> RecordedFocal? {
        for (key, text) in tags where key.lowercased() == quickTimeKey {
            guard let mm = Double(text.trimmingCharacters(in: .whitespaces)), plausible35mm(mm) else { continue }
            return RecordedFocal(value: .equivalent35mm(mm), source: "video metadata \(quickTimeKey) = \(text) mm")
        }
        return nil
    }

    /// The focal length in a JPEG's EXIF block: the 35 mm equivalent when present, else the
    /// focal length with the focal-plane resolution; nil when neither is recorded.
    public static func exif(jpeg data: Data) -> RecordedFocal? {
        guard let exif = ExifBlock(jpeg: data), let directory = exif.exifDirectory else { return nil }
        var tags: [Int: ExifBlock.Entry] = [:]
        for e in exif.entries(at: directory) where tags[e.tag] == nil { tags[e.tag] = e }
        if let e = tags[0xA405], let mm = exif.integer(e), plausible35mm(Double(mm)) {
            return RecordedFocal(value: .equivalent35mm(Double(mm)), source: "EXIF FocalLengthIn35mmFilm = \(mm) mm")
        }
        // Focal length (mm) × focal-plane pixels per unit ÷ unit (mm), for the picture the
        // camera wrote (PixelX/YDimension, else the stored JPEG frame).
        guard let e = tags[0x920A], let mm = exif.rational(e), mm > 0,
              let r = tags[0xA20E], let resolution = exif.rational(r), resolution > 0 else { return nil }
        let unit = tags[0xA210].flatMap { exif.integer($0) } ?? 2
        let unitMM: Double
        switch unit {
        case 2: unitMM = 25.4
        case 3: unitMM = 10
        case 4: unitMM = 1
        case 5: unitMM = 0.001
        default: return nil
        }
        var size = JPEGSegments(data).storedSize
        if let w = tags[0xA002].flatMap({ exif.integer($0) }), let h = tags[0xA003].flatMap({ exif.integer($0) }), w > 0, h > 0 {
            size = (w, h)
        }
        guard let size, size.width > 0, size.height > 0 else { return nil }
        let f = mm * resolution / unitMM
        // Between about 1° and 178° across the diagonal; beyond that the tags are wrong.
        let diagonal = Double(size.width * size.width + size.height * size.height).squareRoot()
        guard f > 0.01 * diagonal, f < 50 * diagonal else { return nil }
        let unitName = unit == 2 ? "inch" : unit == 3 ? "cm" : unit == 4 ? "mm" : "µm"
        return RecordedFocal(value: .pixels(f, width: size.width, height: size.height),
                             source: String(format: "EXIF FocalLength = %.2f mm with FocalPlaneXResolution = %.1f per ", mm, resolution) + unitName)
    }

    /// The focal length a file records: EXIF for a JPEG, the metadata tags for a video; nil
    /// when it records none (or is neither).
    public static func read(_ url: URL) -> RecordedFocal? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        let head = handle.readData(ofLength: 1 << 18)
        try? handle.close()
        if head.count >= 2, head[head.startIndex] == 0xFF, head[head.startIndex + 1] == 0xD8 { return exif(jpeg: head) }
        if ImageFile.looksLikeImage(url) { return nil }
        return (try? VideoTags.read(url)).flatMap { video(tags: $0) }
    }

    /// 35 mm equivalents of real lenses: 8 mm (a fisheye-like ultra-wide) to 1200 mm.
    private static func plausible35mm(_ mm: Double) -> Bool { mm.isFinite && mm >= 8 && mm <= 1200 }
}
