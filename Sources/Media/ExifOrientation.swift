import Foundation

/// The EXIF orientation a camera stores in a JPEG (tag 0x0112): phones save the sensor's pixels
/// as they are and record how to turn them upright. Values 1–8 as defined by EXIF/TIFF.
public enum ExifOrientation {
    /// The orientation tag of a JPEG's EXIF block, or 1 (upright) when there is none.
    public static func read(jpeg data: Data) -> Int {
        let bytes = [UInt8](data.prefix(1 << 17))
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return 1 }
        var offset = 2
        // Walk the marker segments before the image data looking for APP1 "Exif\0\0".
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xDA || marker == 0xD9 { break }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { break }
            if marker == 0xE1, length >= 16, Array(bytes[(offset + 4)..<(offset + 10)]) == Array("Exif\0\0".utf8) {
                return orientation(tiff: Array(bytes[(offset + 10)..<(offset + 2 + length)])) ?? 1
            }
            offset += 2 + length
        }
        return 1
    }

    /// Reads tag 0x0112 from IFD0 of a TIFF structure (either byte order).
    private static func orientation(tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ i: Int) -> Int? {
            guard i + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[i]) | Int(tiff[i + 1]) << 8 : Int(tiff[i]) << 8 | Int(tiff[i + 1])
        }
        func u32(_ i: Int) -> Int? {
            guard let a = u16(i), let b = u16(i + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for e in 0..<entries {
            let entry = ifd + 2 + 12 * e
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112, let value = u16(entry + 8), (1...8).contains(value) { return value }
        }
        return nil
    }

    /// True when the orientation swaps width and height (the 90° turns).
    public static func swapsAxes(_ orientation: Int) -> Bool { (5...8).contains(orientation) }

    /// The picture turned upright according to `orientation`.
    public static func apply(_ orientation: Int, to image: Image) -> Image {
        guard (2...8).contains(orientation) else { return image }
        let w = image.width, h = image.height, c = image.channels
        let swap = swapsAxes(orientation)
        let outWidth = swap ? h : w, outHeight = swap ? w : h
        var out = [Float](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<outHeight {
                for x in 0..<outWidth {
                    // The stored pixel shown at (x, y).
                    let (sx, sy): (Int, Int)
                    switch orientation {
                    case 2: (sx, sy) = (w - 1 - x, y)
                    case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                    case 4: (sx, sy) = (x, h - 1 - y)
                    case 5: (sx, sy) = (y, x)
                    case 6: (sx, sy) = (y, h - 1 - x)
                    case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                    default: (sx, sy) = (w - 1 - y, x)  // 8
                    }
                    let s = (sy * w + sx) * c, d = (y * outWidth + x) * c
                    for k in 0..<c { out[d + k] = src[s + k] }
                }
            }
        }
        return Image(width: outWidth, height: outHeight, channels: c, pixels: out)
    }
}
