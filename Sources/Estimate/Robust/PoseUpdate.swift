import Foundation
import Geometry

/// Small rotation exp(ω) (Rodrigues), for local parameterisations in refinement.
func rotationFromVector(_ omega: Vec3) -> Mat3 {
    let angle = length(omega)
    guard angle > 0 else { return .identity }
    return Quaternion(axis: omega / angle, angle: angle).rotationMatrix
}

/// Two unit vectors orthogonal to `v` and to each other (a basis of the tangent plane).
func tangentBasis(_ v: Vec3) -> (Vec3, Vec3) {
    let n = normalize(v)
    let helper = abs(n.x) < 0.9 ? Vec3(1, 0, 0) : Vec3(0, 1, 0)
    let b1 = normalize(cross(n, helper))
    return (b1, cross(n, b1))
}

/// Largest of the image's focal lengths, or the mean focal of two cameras: converts normalised
/// residuals to pixels.
func pixelScale(_ a: Intrinsics, _ b: Intrinsics? = nil) -> Double {
    guard let b else { return 0.5 * (a.fx + a.fy) }
    return 0.25 * (a.fx + a.fy + b.fx + b.fy)
}

func checkFinite(_ values: [Vec2], _ what: String) throws {
    for v in values where !(v.x.isFinite && v.y.isFinite) { throw EstimateError.nonFinite(what: what) }
}

func checkFinite(_ values: [Vec3], _ what: String) throws {
    for v in values where !(v.x.isFinite && v.y.isFinite && v.z.isFinite) { throw EstimateError.nonFinite(what: what) }
}
