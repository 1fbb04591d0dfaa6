import Foundation

/// Hamilton quaternion (w, x, y, z); unit quaternions represent rotations.
public struct Quaternion: Equatable, Sendable {
    public var w: Double, x: Double, y: Double, z: Double

    public init(w: Double, x: Double, y: Double, z: Double) {
        self.w = w; self.x = x; self.y = y; self.z = z
    }

    public static let identity = Quaternion(w: 1, x: 0, y: 0, z: 0)

    /// Rotation by `angle` radians about `axis` (right-handed); a zero axis gives the identity.
    public init(axis: Vec3, angle: Double) {
        let n = length(axis)
        guard n > 0 else { self = .identity; return }
        let s = sin(angle / 2) / n
        self.init(w: cos(angle / 2), x: axis.x * s, y: axis.y * s, z: axis.z * s)
    }

    /// Unit quaternion of a rotation matrix (Shepperd's method: pivot on the largest of
    /// w², x², y², z² so the square root never sees a cancelling small number, 180° turns included).
    /// The result has w ≥ 0.
    public init(rotation m: Mat3) {
        let tr = m.trace
        let candidates = [tr, m[0, 0], m[1, 1], m[2, 2]]
        let pivot = candidates.indices.max { candidates[$0] < candidates[$1] }!
        var q: Quaternion
        switch pivot {
        case 0:
            let s = 2 * (1 + tr).squareRoot()  // 4w
            q = Quaternion(w: s / 4, x: (m[2, 1] - m[1, 2]) / s,
                           y: (m[0, 2] - m[2, 0]) / s, z: (m[1, 0] - m[0, 1]) / s)
        case 1:
            let s = 2 * max(0, 1 + m[0, 0] - m[1, 1] - m[2, 2]).squareRoot()  // 4x
            q = Quaternion(w: (m[2, 1] - m[1, 2]) / s, x: s / 4,
                           y: (m[0, 1] + m[1, 0]) / s, z: (m[0, 2] + m[2, 0]) / s)
        case 2:
            let s = 2 * max(0, 1 + m[1, 1] - m[0, 0] - m[2, 2]).squareRoot()  // 4y
            q = Quaternion(w: (m[0, 2] - m[2, 0]) / s, x: (m[0, 1] + m[1, 0]) / s,
                           y: s / 4, z: (m[1, 2] + m[2, 1]) / s)
        default:
            let s = 2 * max(0, 1 + m[2, 2] - m[0, 0] - m[1, 1]).squareRoot()  // 4z
            q = Quaternion(w: (m[1, 0] - m[0, 1]) / s, x: (m[0, 2] + m[2, 0]) / s,
                           y: (m[1, 2] + m[2, 1]) / s, z: s / 4)
        }
        if q.w < 0 { q = Quaternion(w: -q.w, x: -q.x, y: -q.y, z: -q.z) }
        self = q.normalized
    }

    public var vector: Vec3 { Vec3(x, y, z) }
    public var norm: Double { (w * w + x * x + y * y + z * z).squareRoot() }

    public var normalized: Quaternion {
        let n = norm
        guard n > 0 else { return .identity }
        return Quaternion(w: w / n, x: x / n, y: y / n, z: z / n)
    }

    public var conjugate: Quaternion { Quaternion(w: w, x: -x, y: -y, z: -z) }

    /// Rotation matrix of the (normalised) quaternion.
    public var rotationMatrix: Mat3 {
        let q = normalized
        let (w, x, y, z) = (q.w, q.x, q.y, q.z)
        return Mat3(rows: Vec3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
                    Vec3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
                    Vec3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))
    }

    /// Hamilton product: (a * b).rotate(v) == a.rotate(b.rotate(v)).
    public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
                   x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                   y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                   z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w)
    }

    /// Rotates v by this (unit) quaternion: q v q*.
    public func rotate(_ v: Vec3) -> Vec3 {
        // v' = v + 2 u × (u × v + w v), u = vector part.
        let u = vector
        let t = 2 * cross(u, v)
        return v + w * t + cross(u, t)
    }

    public static func dot(_ a: Quaternion, _ b: Quaternion) -> Double {
        a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z
    }

    /// Spherical linear interpolation along the shorter arc; t = 0 gives a, t = 1 gives ±b.
    public static func slerp(_ a: Quaternion, _ b: Quaternion, _ t: Double) -> Quaternion {
        let qa = a.normalized
        var qb = b.normalized
        var c = dot(qa, qb)
        if c < 0 { qb = Quaternion(w: -qb.w, x: -qb.x, y: -qb.y, z: -qb.z); c = -c }
        let wa: Double, wb: Double
        if c > 0.9995 {
            // Nearly parallel: sin θ is tiny, linear interpolation is exact to rounding.
            wa = 1 - t; wb = t
        } else {
            let theta = acos(min(1, c))
            let s = sin(theta)
            wa = sin((1 - t) * theta) / s
            wb = sin(t * theta) / s
        }
        return Quaternion(w: wa * qa.w + wb * qb.w, x: wa * qa.x + wb * qb.x,
                          y: wa * qa.y + wb * qb.y, z: wa * qa.z + wb * qb.z).normalized
    }

    /// Geodesic angle (radians, in [0, π]) of the relative rotation aᵀ b.
    /// Uses atan2(sin, cos) so it stays accurate near 0 and near π, unlike acos of the trace.
    public static func angleBetween(_ a: Mat3, _ b: Mat3) -> Double {
        let r = a.transposed * b
        let cosTheta = (r.trace - 1) / 2
        let sinVec = Vec3(r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]) / 2
        return atan2(Geometry.length(sinVec), cosTheta)
    }
}
