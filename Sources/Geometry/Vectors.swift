// Vector aliases and the few vector helpers the rest of the module uses.

public typealias Vec2 = SIMD2<Double>
public typealias Vec3 = SIMD3<Double>

/// Dot product.
@inlinable public func dot(_ a: Vec3, _ b: Vec3) -> Double { (a * b).sum() }

/// Cross product a × b.
@inlinable public func cross(_ a: Vec3, _ b: Vec3) -> Vec3 {
    Vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Euclidean length.
@inlinable public func length(_ v: Vec3) -> Double { dot(v, v).squareRoot() }

/// Unit vector along v (v itself if it has zero length).
@inlinable public func normalize(_ v: Vec3) -> Vec3 {
    let n = length(v)
    return n > 0 ? v / n : v
}
