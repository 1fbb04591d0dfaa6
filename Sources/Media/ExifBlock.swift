import Foundation

/// The EXIF block of a JPEG (the TIFF structure inside the APP1 "Exif\0\0" segment): its image
/// file directories and their values, in either byte order. Reads only what it is asked for and
/// returns nil for anything out of bounds, so a damaged block never traps.
struct ExifBlock {
    /// A directory entry: `valueField` is the position of its 4-byte value/offset field.
    struct Entry {
        var tag: Int, type: Int, count: Int, valueField: Int
    }

    let tiff: [UInt8]
    let little: Bool

    init?(tiff: [UInt8]) {
        guard tiff.count >= 8 else { return nil }
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        self.tiff = tiff
    }

    /// The EXIF block of a JPEG's first APP1 "Exif" segment, if any.
    init?(jpeg data: Data) {
        guard let payload = JPEGSegments(data).exif else { return nil }
        self.init(tiff: payload)
    }

    func u16(_ i: Int) -> Int? {
        guard i >= 0, i + 2 <= tiff.count else { return nil }
        return little ? Int(tiff[i]) | Int(tiff[i + 1]) << 8 : Int(tiff[i]) << 8 | Int(tiff[i + 1])
    }

    func u32(_ i: Int) -> Int? {
        guard let a = u16(i), let b = u16(i + 2) else { return nil }
        return little ? a | b << 16 : a << 16 | b
    }

    /// IFD0 (the main image's directory).
    var firstDirectory: Int? { u32(4) }

    /// The entries of the directory at `offset` (at most 512: a corrupt count cannot run away).
    func entries(at offset: Int) -> [Entry] {
        guard let n = u16(offset) else { return [] }
        var out: [Entry] = []
        for e in 0..<min(n, 512) {
            let position = offset + 2 + 12 * e
            guard let tag = u16(position), let type = u16(position + 2), let count = u32(position + 4),
                  position + 12 <= tiff.count else { break }
            out.append(Entry(tag: tag, type: type, count: count, valueField: position + 8))
        }
        return out
    }

    /// The EXIF sub-directory that IFD0 points to (tag 0x8769), where camera settings live.
    var exifDirectory: Int? {
        guard let ifd0 = firstDirectory, let pointer = entries(at: ifd0).first(where: { $0.tag == 0x8769 }) else { return nil }
        return integer(pointer)
    }

    /// A SHORT (3) or LONG (4) value.
    func integer(_ e: Entry) -> Int? {
        guard e.count >= 1 else { return nil }
        switch e.type {
        case 3: return u16(e.valueField)
        case 4: return u32(e.valueField)
        default: return nil
        }
    }

    /// A RATIONAL (5) or SRATIONAL (10) value (stored at the offset its field holds); nil for a
    /// zero denominator.
    func rational(_ e: Entry) -> Double? {
        guard e.count >= 1, e.type == 5 || e.type == 10, let at = u32(e.valueField),
              let numerator = u32(at), let denominator = u32(at + 4), denominator != 0 else { return nil }
        if e.type == 10 { return Double(Int32(truncatingIfNeeded: numerator)) / Double(Int32(truncatingIfNeeded: denominator)) }
        return Double(numerator) / Double(denominator)
    }

    /// An ASCII (2) value, without its terminating zeros.
    func string(_ e: Entry) -> String? {
        guard e.type == 2, e.count >= 1 else { return nil }
        let start = e.count <= 4 ? e.valueField : (u32(e.valueField) ?? -1)
        guard start >= 0, start + e.count <= tiff.count else { return nil }
        let bytes = tiff[start..<(start + e.count)].prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}

/// The marker segments of a JPEG before its image data: the EXIF payload and the stored frame
/// size (start-of-frame marker).
struct JPEGSegments {
    var exif: [UInt8]?
    var storedSize: (width: Int, height: Int)?

    init(_ data: Data) {
        let bytes = [UInt8](data.prefix(1 << 18))
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return }
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xDA || marker == 0xD9 { break }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { break }
            if marker == 0xE1, exif == nil, length >= 16, Array(bytes[(offset + 4)..<(offset + 10)]) == Array("Exif\0\0".utf8) {
                exif = Array(bytes[(offset + 10)..<(offset + 2 + length)])
            }
            // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker), length >= 7 {
                storedSize = (Int(bytes[offset + 7]) << 8 | Int(bytes[offset + 8]), Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]))
            }
            offset += 2 + length
        }
    }
}
