import Foundation

/// Pinhole intrinsics (pixels) with OpenCV distortion. Pixel centres sit at +0.5, so an image
/// of width W spans x in [0, W].
public struct Intrinsics: Equatable, Sendable {
    public var fx: Double, fy: Double, cx: Double, cy: Double
    public var distortion: Distortion

    public init(fx: Double, fy: Double, cx: Double, cy: Double, distortion: Distortion = .none) {
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy; self.distortion = distortion
    }

    /// Square pixels, principal point at the image centre, vertical field of view in degrees.
    public init(fieldOfViewY degrees: Double, width: Int, height: Int) {
        let f = Double(height) / 2 / tan(degrees * .pi / 360)
        self.init(fx: f, fy: f, cx: Double(width) / 2, cy: Double(height) / 2)
    }

    /// Square pixels, principal point at the image centre, horizontal field of view in degrees.
    public init(fieldOfViewX degrees: Double, width: Int, height: Int) {
        let f = Double(width) / 2 / tan(degrees * .pi / 360)
        self.init(fx: f, fy: f, cx: Double(width) / 2, cy: Double(height) / 2)
    }

    /// Camera point -> pixel, distortion applied. Only meaningful for z > 0 (caller checks depth).
    public func project(_ p: Vec3) -> Vec2 {
        let d = distortion.distort(Vec2(p.x / p.z, p.y / p.z))
        return Vec2(fx * d.x + cx, fy * d.y + cy)
    }

    /// Pixel + camera depth (z) -> camera point; inverse of `project`.
    public func unproject(_ pixel: Vec2, depth: Double) -> Vec3 {
        let n = normalizedUndistorted(pixel)
        return Vec3(n.x * depth, n.y * depth, depth)
    }

    /// Pixel -> undistorted normalised coordinates (x/z, y/z) of the ray through it.
    public func normalizedUndistorted(_ pixel: Vec2) -> Vec2 {
        distortion.undistort(Vec2((pixel.x - cx) / fx, (pixel.y - cy) / fy))
    }

    /// Where a pixel of the ideal pinhole image lands in the real (distorted) image.
    public func distortPixel(_ undistortedPixel: Vec2) -> Vec2 {
        let n = Vec2((undistortedPixel.x - cx) / fx, (undistortedPixel.y - cy) / fy)
        let d = distortion.distort(n)
        return Vec2(fx * d.x + cx, fy * d.y + cy)
    }

    /// Inverse of `distortPixel`.
    public func undistortPixel(_ pixel: Vec2) -> Vec2 {
        let n = normalizedUndistorted(pixel)
        return Vec2(fx * n.x + cx, fy * n.y + cy)
    }

    /// Horizontal field of view in degrees for an image `width` pixels wide (ignores distortion).
    public func fieldOfViewX(width: Int) -> Double { 2 * atan(Double(width) / 2 / fx) * 180 / .pi }

    /// Vertical field of view in degrees for an image `height` pixels tall (ignores distortion).
    public func fieldOfViewY(height: Int) -> Double { 2 * atan(Double(height) / 2 / fy) * 180 / .pi }

    /// Same camera model for an image resized by `factor` (e.g. 0.5 for half resolution).
    public func scaled(by factor: Double) -> Intrinsics {
        Intrinsics(fx: fx * factor, fy: fy * factor, cx: cx * factor, cy: cy * factor, distortion: distortion)
    }

    /// Row-major 3×3 calibration matrix K.
    public var matrix: Mat3 {
        Mat3(rows: Vec3(fx, 0, cx), Vec3(0, fy, cy), Vec3(0, 0, 1))
    }
}
