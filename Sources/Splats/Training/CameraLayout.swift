import Foundation
import Geometry

/// Where a set of cameras sits around its scene: what the trainer scales learning rates and
/// densification thresholds by, what random initialisation fills and what the preview orbits.
public struct CameraLayout: Equatable {
    /// Camera centres in world coordinates.
    public var centers: [Vec3]
    /// The point nearest to every camera's optical axis (least squares): what an orbit looks at.
    /// For cameras that all look the same way (no such point), a point one mean centre spacing
    /// ahead of the mean centre.
    public var sceneCenter: Vec3
    /// 1.1 × the largest distance of a camera centre from their mean (3DGS's "cameras extent"):
    /// the scene size that position learning rates and world-size thresholds scale with.
    public var extent: Double
    /// Mean of the cameras' up directions (-y of OpenCV axes), normalised.
    public var up: Vec3
    /// Mean distance of the cameras from `sceneCenter`.
    public var meanDistance: Double
    /// Mean elevation (degrees) of the cameras above the plane through `sceneCenter` normal to `up`.
    public var meanElevationDegrees: Double

    public init(cameras: [SplatCamera]) throws {
        guard !cameras.isEmpty else { throw SplatsError.badOptions(field: "cameras", reason: "none given") }
        var centers: [Vec3] = [], forwards: [Vec3] = [], ups: [Vec3] = []
        for c in cameras {
            let r = c.rotation.map(Double.init), t = c.translation.map(Double.init)
            // Centre = -Rᵀ t; camera axes in the world are the rows of R.
            centers.append(Vec3(-(r[0] * t[0] + r[3] * t[1] + r[6] * t[2]),
                                -(r[1] * t[0] + r[4] * t[1] + r[7] * t[2]),
                                -(r[2] * t[0] + r[5] * t[1] + r[8] * t[2])))
            ups.append(Vec3(-r[3], -r[4], -r[5]))
            forwards.append(Vec3(r[6], r[7], r[8]))
        }
        self.centers = centers
        let mean = centers.reduce(Vec3.zero, +) / Double(centers.count)
        extent = 1.1 * max(centers.map { length($0 - mean) }.max() ?? 0, 1e-6)
        var upSum = ups.reduce(Vec3.zero, +)
        if length(upSum) < 1e-9 { upSum = Vec3(0, 1, 0) }
        up = normalize(upSum)

        // Σ (I - d dᵀ) p = Σ (I - d dᵀ) c.
        var a = Mat3.zero, b = Vec3.zero
        for (c, d) in zip(centers, forwards) {
            let projector = Mat3(rows: Vec3(1 - d.x * d.x, -d.x * d.y, -d.x * d.z),
                                 Vec3(-d.y * d.x, 1 - d.y * d.y, -d.y * d.z),
                                 Vec3(-d.z * d.x, -d.z * d.y, 1 - d.z * d.z))
            a = a + projector
            b = b + projector * c
        }
        let meanForward = normalize(forwards.reduce(Vec3.zero, +))
        let inverse = a.determinant > 1e-3 * Double(cameras.count * cameras.count * cameras.count) ? a.inverse() : nil
        let center: Vec3
        if let inverse, cameras.count >= 2 {
            center = inverse * b
        } else {
            center = mean + (length(meanForward) > 0 ? meanForward : Vec3(0, 0, 1)) * max(extent, 1)
        }
        sceneCenter = center
        let offsets = centers.map { $0 - center }
        meanDistance = offsets.map { length($0) }.reduce(0, +) / Double(offsets.count)
        let upAxis = up
        meanElevationDegrees = offsets.map { o -> Double in
            let l = length(o)
            return l > 0 ? asin(max(-1, min(1, dot(o, upAxis) / l))) * 180 / .pi : 0
        }.reduce(0, +) / Double(offsets.count)
    }
}
