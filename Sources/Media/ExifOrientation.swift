import Foundation

/// The EXIF orientation a camera stores in a JPEG (tag 0x0112): phones save the sensor's pixels
/// as they are and record how to turn them upright. Values 1–8 as defined by EXIF/TIFF.
public enum ExifOrientation {
    /// The orientation tag of a JPEG's EXIF block, or 1 (upright) when there is none.
    public static func read(jpeg data: Data) -> Int {
        guard let exif = ExifBlock(jpeg: data), let ifd0 = exif.firstDirectory,
              let entry = exif.entries(at: ifd0).first(where: { $0.tag == 0x0112 }),
              let value = exif.u16(entry.valueField), (1...8).contains(value) else { return 1 }
        return value
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
