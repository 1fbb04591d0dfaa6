import Foundation

/// Per-view camera features the DiT is conditioned on: the target camera relative to the input
/// view, as sin Δazimuth, cos Δazimuth, sin Δelevation, cos Δelevation (angles in degrees).
public enum CameraConditioning {
    public static let featureCount = 4

    /// [views, 4], row-major.
    public static func features(relativeAzimuths: [Double], relativeElevations: [Double]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(relativeAzimuths.count * featureCount)
        for (az, el) in zip(relativeAzimuths, relativeElevations) {
            let a = az * .pi / 180, e = el * .pi / 180
            out += [Float(sin(a)), Float(cos(a)), Float(sin(e)), Float(cos(e))]
        }
        return out
    }
}
