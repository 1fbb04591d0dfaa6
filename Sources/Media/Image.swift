import CMediaSupport
import Foundation

/// A picture as the pipeline holds it: `Float` samples in [0, 1], interleaved RGB or RGBA, row-major,
/// width × height.
public struct Image: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 3 (RGB) or 4 (RGBA).
    public var channels: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(channels == 3 || channels == 4, "Image holds RGB or RGBA")
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    public init(width: Int, height: Int, channels: Int = 3, fill: Float = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [Float](repeating: fill, count: width * height * channels))
    }

    /// From packed 8-bit samples (3 or 4 per pixel).
    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        var pixels = [Float](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                v2w_u8_to_float(src.baseAddress, dst.baseAddress, src.count)
            }
        }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }

    public var hasAlpha: Bool { channels == 4 }

    public subscript(x: Int, y: Int, channel: Int) -> Float {
        get { pixels[(y * width + x) * channels + channel] }
        set { pixels[(y * width + x) * channels + channel] = newValue }
    }

    /// Samples rounded to 8 bits, clamped to [0, 1].
    public func bytes() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                v2w_float_to_u8(src.baseAddress, dst.baseAddress, src.count)
            }
        }
        return out
    }

    /// RGB only: alpha dropped (colours are kept as stored, not composited).
    public func rgb() -> Image {
        guard channels == 4 else { return self }
        var out = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            out[3 * i] = pixels[4 * i]
            out[3 * i + 1] = pixels[4 * i + 1]
            out[3 * i + 2] = pixels[4 * i + 2]
        }
        return Image(width: width, height: height, channels: 3, pixels: out)
    }

    /// Luma (Rec. 601 weights), one float per pixel.
    public func gray() -> [Float] {
        var out = [Float](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { p in
            for i in 0..<(width * height) {
                let base = i * channels
                out[i] = 0.299 * p[base] + 0.587 * p[base + 1] + 0.114 * p[base + 2]
            }
        }
        return out
    }
}
