import Geometry

/// Plane-induced homography by the normalised direct linear transform (Hartley): points are
/// shifted to their centroid and scaled to mean distance √2 before the SVD.
public enum Homography {
    /// H with `to[i] ∼ H from[i]` (homogeneous), least squares for more than four pairs, scaled
    /// so that H[2,2] = 1 where possible (else unit Frobenius norm). nil for fewer than four
    /// pairs or a degenerate configuration (three collinear points).
    public static func fit(from: [Vec2], to: [Vec2]) -> Mat3? {
        guard from.count >= 4, from.count == to.count else { return nil }
        guard let (tFrom, pFrom) = normalizing(from), let (tTo, pTo) = normalizing(to) else { return nil }
        var a = DenseMatrix(rows: 2 * from.count, columns: 9)
        for i in 0..<from.count {
            let x = pFrom[i], y = pTo[i]
            let r0 = [0, 0, 0, -x.x, -x.y, -1, y.y * x.x, y.y * x.y, y.y]
            let r1 = [x.x, x.y, 1, 0, 0, 0, -y.x * x.x, -y.x * x.y, -y.x]
            for c in 0..<9 { a[2 * i, c] = r0[c]; a[2 * i + 1, c] = r1[c] }
        }
        let (values, vectors) = a.rightSingularVectors()
        // A rank below 8 means the points do not pin H down.
        guard values.count == 9, values[7] > 1e-10 * values[0], let hn = Mat3(rowMajor: vectors[8]) else { return nil }
        guard let tToInverse = tTo.inverse() else { return nil }
        var h = tToInverse * hn * tFrom
        guard abs(h.determinant) > 1e-14 * pow3(h.frobeniusNorm) else { return nil }
        h = abs(h[2, 2]) > 1e-12 * h.frobeniusNorm ? (1 / h[2, 2]) * h : (1 / h.frobeniusNorm) * h
        return h
    }

    /// Maps a point through H (nil at infinity).
    public static func apply(_ h: Mat3, _ p: Vec2) -> Vec2? {
        let q = h * Vec3(p.x, p.y, 1)
        guard abs(q.z) > 1e-300 else { return nil }
        return Vec2(q.x / q.z, q.y / q.z)
    }

    /// Squared distance between H·from and to (one-sided transfer error), infinity at infinity.
    public static func transferError(_ h: Mat3, from: Vec2, to: Vec2) -> Double {
        guard let mapped = apply(h, from) else { return .infinity }
        let d = mapped - to
        return d.x * d.x + d.y * d.y
    }

    private static func pow3(_ x: Double) -> Double { x * x * x }

    /// Similarity T with centroid → 0 and mean distance → √2, and the transformed points.
    private static func normalizing(_ points: [Vec2]) -> (Mat3, [Vec2])? {
        let n = Double(points.count)
        let centroid = points.reduce(Vec2.zero, +) / n
        let meanDistance = points.reduce(0.0) { s, p in
            let d = p - centroid
            return s + (d.x * d.x + d.y * d.y).squareRoot()
        } / n
        guard meanDistance > 0, meanDistance.isFinite else { return nil }
        let s = 2.0.squareRoot() / meanDistance
        let t = Mat3(rows: Vec3(s, 0, -s * centroid.x), Vec3(0, s, -s * centroid.y), Vec3(0, 0, 1))
        return (t, points.map { ($0 - centroid) * s })
    }
}
