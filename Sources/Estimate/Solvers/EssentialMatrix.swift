import Geometry

/// Essential-matrix helpers: E from a pose, the four pose candidates of an E, the cheirality
/// test that picks one, and the Sampson error.
///
/// Convention: camera 1 is the world frame, camera 2 sees `R X + t`, and `E = [t]× R` so that
/// `x2ᵀ E x1 = 0` for normalised coordinates x = (u, v, 1).
public enum EssentialMatrix {
    /// E = [t]× R of a relative pose.
    public static func from(_ pose: Pose) -> Mat3 { Mat3.skew(pose.translation) * pose.rotation }

    /// The four (R, t) of E = U diag(1, 1, 0) Vᵀ: R ∈ {U W Vᵀ, U Wᵀ Vᵀ}, t = ±u₃ (unit length).
    public static func candidatePoses(_ e: Mat3) -> [Pose] {
        var (u, _, v) = SVD3.decompose(e)
        if u.determinant < 0 { u = u * Mat3(diagonal: Vec3(1, 1, -1)) }
        if v.determinant < 0 { v = v * Mat3(diagonal: Vec3(1, 1, -1)) }
        let w = Mat3(rows: Vec3(0, -1, 0), Vec3(1, 0, 0), Vec3(0, 0, 1))
        let r1 = u * w * v.transposed, r2 = u * w.transposed * v.transposed
        let t = u.c2
        return [Pose(rotation: r1, translation: t), Pose(rotation: r1, translation: -t),
                Pose(rotation: r2, translation: t), Pose(rotation: r2, translation: -t)]
    }

    /// The candidate pose of E that puts the most correspondences in front of both cameras,
    /// with that count. Ties keep the first candidate.
    public static func recoverPose(_ e: Mat3, _ rays1: [Vec3], _ rays2: [Vec3]) -> (pose: Pose, inFront: Int) {
        var best = (pose: Pose.identity, inFront: -1)
        for pose in candidatePoses(e) {
            var count = 0
            for i in 0..<min(rays1.count, rays2.count) where inFrontOfBoth(pose, rays1[i], rays2[i]) { count += 1 }
            if count > best.inFront { best = (pose, count) }
        }
        return best
    }

    /// True when the midpoint triangulation of the pair lies at positive depth in both cameras.
    public static func inFrontOfBoth(_ pose: Pose, _ ray1: Vec3, _ ray2: Vec3) -> Bool {
        guard let (d1, d2) = depths(pose, ray1, ray2) else { return false }
        return d1 > 0 && d2 > 0
    }

    /// Depths (multiples of ray1 in camera 1, of ray2 in camera 2) minimising
    /// |d1 R ray1 + t − d2 ray2|; nil for parallel rays.
    static func depths(_ pose: Pose, _ ray1: Vec3, _ ray2: Vec3) -> (Double, Double)? {
        let a = pose.rotation * ray1, b = ray2, t = pose.translation
        // Normal equations of [a, −b] [d1, d2]ᵀ = −t.
        let aa = dot(a, a), ab = dot(a, b), bb = dot(b, b)
        let at = dot(a, t), bt = dot(b, t)
        let det = aa * bb - ab * ab
        guard det > 1e-12 * aa * bb else { return nil }
        let d1 = (-at * bb + ab * bt) / det
        let d2 = (aa * bt - ab * at) / det
        return (d1, d2)
    }

    /// Squared Sampson distance of a correspondence (normalised coordinates, z = 1) to E:
    /// the first-order approximation of the squared reprojection error, in normalised units².
    public static func sampsonError(_ e: Mat3, _ x1: Vec3, _ x2: Vec3) -> Double {
        let ex1 = e * x1
        let etx2 = e.transposed * x2
        let numerator = dot(x2, ex1)
        let denominator = ex1.x * ex1.x + ex1.y * ex1.y + etx2.x * etx2.x + etx2.y * etx2.y
        guard denominator > 0 else { return .infinity }
        return numerator * numerator / denominator
    }
}
