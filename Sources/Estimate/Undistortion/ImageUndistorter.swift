import CDense
import Foundation
import Geometry
import Media

/// Resamples images of a camera with lens distortion into the ideal pinhole camera with the same
/// focal lengths, principal point and size: each output pixel is read (bilinearly) where the
/// lens put it in the input. With barrel distortion the output is fully covered; with pincushion
/// its corners fall outside the input and are marked invalid.
public struct ImageUndistorter: Sendable {
    public let width: Int
    public let height: Int
    /// The input camera's intrinsics, and those of the output (distortion removed).
    public let intrinsics: Intrinsics
    public var pinhole: Intrinsics { Intrinsics(fx: intrinsics.fx, fy: intrinsics.fy, cx: intrinsics.cx, cy: intrinsics.cy) }
    /// Source position (x, y) of every output pixel centre.
    let map: [Float]
    /// 1 where the output pixel's source lies inside the input; nil when all do.
    public let valid: [UInt8]?
    let threads: Int

    public init(intrinsics: Intrinsics, width: Int, height: Int, threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        self.intrinsics = intrinsics; self.width = width; self.height = height; self.threads = max(1, threads)
        var map = [Float](repeating: 0, count: 2 * width * height)
        var valid = [UInt8](repeating: 1, count: width * height)
        var all = true
        for y in 0..<height {
            for x in 0..<width {
                let source = intrinsics.distortPixel(Vec2(Double(x) + 0.5, Double(y) + 0.5))
                let i = y * width + x
                map[2 * i] = Float(source.x); map[2 * i + 1] = Float(source.y)
                if !(source.x >= 0 && source.y >= 0 && source.x <= Double(width) && source.y <= Double(height)) {
                    valid[i] = 0; all = false
                }
            }
        }
        self.map = map
        self.valid = all ? nil : valid
    }

    /// Largest distance, in pixels, between where the lens puts a point and where the pinhole
    /// would, over the image border and a coarse interior grid (the worst is at the border
    /// for radial distortion).
    public static func maxDisplacement(intrinsics: Intrinsics, width: Int, height: Int) -> Double {
        var worst = 0.0
        let steps = 16
        for gy in 0...steps {
            for gx in 0...steps {
                let p = Vec2(Double(width) * Double(gx) / Double(steps), Double(height) * Double(gy) / Double(steps))
                let d = intrinsics.distortPixel(p) - p
                worst = max(worst, (d * d).sum().squareRoot())
            }
        }
        return worst
    }

    /// The undistorted image (same channels); invalid pixels repeat the nearest border sample.
    public func undistort(_ image: Image) throws -> Image {
        guard image.width == width, image.height == height else {
            throw EstimateError.invalidOption(field: "image", reason: "is \(image.width)×\(image.height), the camera \(width)×\(height)")
        }
        var out = [Float](repeating: 0, count: image.pixels.count)
        let w = width, h = height, channels = image.channels
        image.pixels.withUnsafeBufferPointer { src in
            map.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { dst in
                    let s = src.baseAddress!, mp = m.baseAddress!, d = dst.baseAddress!
                    forEachChunk(count: h, chunks: threads) { rows in
                        v2w_remap_bilinear(s, Int32(w), Int32(h), Int32(channels), mp, d, Int32(w),
                                           Int32(rows.lowerBound), Int32(rows.upperBound), nil)
                    }
                }
            }
        }
        return Image(width: w, height: h, channels: channels, pixels: out)
    }

    /// Keypoints moved to where the pinhole camera sees them (Geometry's iterative inverse of
    /// the distortion), so a model's observations stay consistent with the undistorted images.
    public func undistort(_ features: Features) -> Features {
        var copy = features
        for k in copy.keypoints.indices {
            let p = intrinsics.undistortPixel(Vec2(Double(copy.keypoints[k].x), Double(copy.keypoints[k].y)))
            copy.keypoints[k].x = Float(p.x); copy.keypoints[k].y = Float(p.y)
        }
        return copy
    }
}
