import Foundation

/// Cameras on a circle around a target, all looking at it. Azimuth 0 puts the camera on the
/// +z side of the target (for up = +y), azimuth 90° on the +x side; elevation lifts it toward `up`.
public struct OrbitPath: Sendable {
    public var count: Int
    public var radius: Double
    public var elevationDegrees: Double
    public var fieldOfViewYDegrees: Double
    public var width: Int
    public var height: Int
    public var target: Vec3 = .zero
    public var up: Vec3 = [0, 1, 0]
    public var startAzimuthDegrees: Double = 0
    public var sweepDegrees: Double = 360

    public init(count: Int, radius: Double, elevationDegrees: Double, fieldOfViewYDegrees: Double,
                width: Int, height: Int) {
        self.count = count; self.radius = radius; self.elevationDegrees = elevationDegrees
        self.fieldOfViewYDegrees = fieldOfViewYDegrees; self.width = width; self.height = height
    }

    /// `count` cameras. A full sweep (|sweep| ≥ 360°) spaces them evenly without repeating the
    /// start; a partial sweep includes both ends.
    public func cameras() -> [Camera] {
        guard count > 0 else { return [] }
        let steps = abs(sweepDegrees) >= 360 ? Double(count) : Double(max(count - 1, 1))
        return (0..<count).map { camera(azimuthDegrees: startAzimuthDegrees + sweepDegrees * Double($0) / steps) }
    }

    public func camera(azimuthDegrees: Double) -> Camera {
        let (a, b, u) = basis()
        let az = azimuthDegrees * .pi / 180, el = elevationDegrees * .pi / 180
        let offset = cos(el) * (cos(az) * a + sin(az) * b) + sin(el) * u
        let eye = target + radius * offset
        return Camera(width: width, height: height,
                      intrinsics: Intrinsics(fieldOfViewY: fieldOfViewYDegrees, width: width, height: height),
                      pose: Pose(lookingFrom: eye, at: target, up: up))
    }

    /// Orthonormal frame (azimuth-0 direction, azimuth-90 direction, up).
    private func basis() -> (Vec3, Vec3, Vec3) {
        var u = normalize(up)
        if length(u) == 0 { u = Vec3(0, 1, 0) }
        // Azimuth 0 is +z projected onto the plane perpendicular to up (+x if up is along z).
        var a = Vec3(0, 0, 1) - dot(Vec3(0, 0, 1), u) * u
        if length(a) < 1e-9 { a = Vec3(1, 0, 0) - dot(Vec3(1, 0, 0), u) * u }
        a = normalize(a)
        return (a, cross(u, a), u)
    }
}
