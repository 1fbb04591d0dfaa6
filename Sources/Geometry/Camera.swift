// A posed, sized camera: projection of world points and rays through pixels.

/// Half-line origin + t·direction, direction of unit length.
public struct Ray: Equatable, Sendable {
    public var origin: Vec3
    public var direction: Vec3

    /// `direction` is normalised here.
    public init(origin: Vec3, direction: Vec3) {
        self.origin = origin
        self.direction = normalize(direction)
    }

    public func point(at t: Double) -> Vec3 { origin + t * direction }
}

public struct Camera: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var intrinsics: Intrinsics
    public var pose: Pose

    public init(width: Int, height: Int, intrinsics: Intrinsics, pose: Pose) {
        self.width = width; self.height = height; self.intrinsics = intrinsics; self.pose = pose
    }

    /// Pixel (distortion applied) and camera depth z of a world point. Points with depth ≤ 0
    /// are behind the camera and their pixel is meaningless.
    public func project(_ worldPoint: Vec3) -> (pixel: Vec2, depth: Double) {
        let c = pose.apply(worldPoint)
        return (intrinsics.project(c), c.z)
    }

    /// World-space ray from the camera centre through a (distorted, real-image) pixel.
    public func ray(through pixel: Vec2) -> Ray {
        let n = intrinsics.normalizedUndistorted(pixel)
        let cameraDirection = Vec3(n.x, n.y, 1)
        return Ray(origin: pose.center, direction: pose.rotation.transposed * cameraDirection)
    }

    /// World point seen at `pixel` at camera depth `depth`.
    public func unproject(_ pixel: Vec2, depth: Double) -> Vec3 {
        pose.inverse.apply(intrinsics.unproject(pixel, depth: depth))
    }

    /// True when the pixel lies inside [0, width] × [0, height].
    public func contains(_ pixel: Vec2) -> Bool {
        pixel.x >= 0 && pixel.y >= 0 && pixel.x <= Double(width) && pixel.y <= Double(height)
    }

    /// Unit viewing direction (camera +z) in world coordinates.
    public var forward: Vec3 { pose.rotation.r2 }
}
