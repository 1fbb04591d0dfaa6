import Geometry

/// Minimal absolute pose from three bearing / world-point pairs, after Persson and Nordberg's
/// Lambda Twist (ECCV 2018): the three distance equations λᵢ² + λⱼ² − 2 bᵢⱼ λᵢ λⱼ = aᵢⱼ are two
/// homogeneous conics in Λ = (λ₁, λ₂, λ₃); a degenerate member D₁ + γ D₂ of their pencil (a root
/// of a cubic) is a pair of lines, each meeting a conic in two points. Depths are then polished
/// by Gauss–Newton on the three equations and the pose follows from the three camera points.
public enum P3P {
    /// Up to four world-to-camera poses with `bearings[i] ∥ R points[i] + t` and positive depth.
    /// Bearings need not be unit length (normalised coordinates (x, y, 1) are fine). Exactly
    /// three pairs are used; fewer gives no solution.
    public static func solve(bearings: [Vec3], points: [Vec3]) -> [Pose] {
        guard bearings.count >= 3, points.count >= 3 else { return [] }
        let y = (0..<3).map { normalize(bearings[$0]) }
        let x = Array(points.prefix(3))
        let b12 = dot(y[0], y[1]), b13 = dot(y[0], y[2]), b23 = dot(y[1], y[2])
        let a12 = squaredLength(x[0] - x[1]), a13 = squaredLength(x[0] - x[2]), a23 = squaredLength(x[1] - x[2])
        guard a12 > 0, a13 > 0, a23 > 0 else { return [] }

        let m12 = Mat3(rows: Vec3(1, -b12, 0), Vec3(-b12, 1, 0), Vec3(0, 0, 0))
        let m13 = Mat3(rows: Vec3(1, 0, -b13), Vec3(0, 0, 0), Vec3(-b13, 0, 1))
        let m23 = Mat3(rows: Vec3(0, 0, 0), Vec3(0, 1, -b23), Vec3(0, -b23, 1))
        var d1 = a23 * m12 - a12 * m23
        var d2 = a23 * m13 - a13 * m23
        d1 = (1 / d1.frobeniusNorm) * d1
        d2 = (1 / d2.frobeniusNorm) * d2

        // det(D1 + γ D2) = c0 + c1 γ + c2 γ² + c3 γ³.
        let c0 = d1.determinant, c3 = d2.determinant
        let c1 = mixedDeterminant(d1, d2), c2 = mixedDeterminant(d2, d1)
        var pencil: [(d0: Mat3, gamma: Double)] = realRoots([c0, c1, c2, c3]).map { (d1 + $0 * d2, $0) }
        if abs(c3) < 1e-10 { pencil.append((d2, .infinity)) }

        // The best-conditioned line pair: two eigenvalues of opposite sign, third ≈ 0.
        var chosen: (lines: [Vec3], null: Vec3, gamma: Double)?
        var bestQuality = 0.0
        for (d0, gamma) in pencil {
            guard let (lines, null, quality) = linePair(d0), quality > bestQuality else { continue }
            bestQuality = quality
            chosen = (lines, null, gamma)
        }
        guard let (lines, null, gamma) = chosen else { return [] }
        // Intersect each line with a conic that is not (nearly) D0 itself.
        let conic = abs(gamma) <= 1 ? d2 : d1

        var poses: [Pose] = []
        for n in lines {
            let p = null, q = normalize(cross(n, null))
            let qa = dot(p, conic * p), qb = dot(p, conic * q), qc = dot(q, conic * q)
            var directions: [Vec3] = []
            if abs(qa) > abs(qc) {
                for r in quadraticRoots(a: qa, b: 2 * qb, c: qc) { directions.append(r * p + q) }
            } else {
                for r in quadraticRoots(a: qc, b: 2 * qb, c: qa) { directions.append(p + r * q) }
            }
            for direction in directions {
                guard var lambda = scaleDepths(direction, m12, a12, m13, a13, m23, a23) else { continue }
                lambda = refineDepths(lambda, b12: b12, b13: b13, b23: b23, a12: a12, a13: a13, a23: a23)
                guard lambda.x > 0, lambda.y > 0, lambda.z > 0 else { continue }
                if let pose = alignTriangle(camera: [lambda.x * y[0], lambda.y * y[1], lambda.z * y[2]], world: x) {
                    poses.append(pose)
                }
            }
        }
        return poses
    }

    private static func squaredLength(_ v: Vec3) -> Double { dot(v, v) }

    /// Σᵢ det(A with column i taken from B).
    private static func mixedDeterminant(_ a: Mat3, _ b: Mat3) -> Double {
        Mat3(columns: b.c0, a.c1, a.c2).determinant + Mat3(columns: a.c0, b.c1, a.c2).determinant
            + Mat3(columns: a.c0, a.c1, b.c2).determinant
    }

    /// For a symmetric rank-2 indefinite D0 = σa ea eaᵀ + σb eb ebᵀ, the normals of the two
    /// planes Λ with ΛᵀD0Λ = 0, the common null direction, and a conditioning figure (the
    /// smaller |σ| over the larger); nil unless the signs differ.
    private static func linePair(_ d0: Mat3) -> (lines: [Vec3], null: Vec3, quality: Double)? {
        let (u, s, v) = SVD3.decompose(d0)
        guard s.x > 0 else { return nil }
        let sigmaA = s.x * (dot(u.c0, v.c0) >= 0 ? 1 : -1)
        let sigmaB = s.y * (dot(u.c1, v.c1) >= 0 ? 1 : -1)
        guard sigmaA * sigmaB < 0 else { return nil }
        let k = (-sigmaB / sigmaA).squareRoot()
        let ea = v.c0, eb = v.c1
        return ([ea - k * eb, ea + k * eb], v.c2, min(abs(sigmaA), abs(sigmaB)) / max(abs(sigmaA), abs(sigmaB)) - s.z / s.x)
    }

    /// Scales a direction of depths so the best-conditioned distance equation holds; nil when
    /// the depths would have mixed signs.
    private static func scaleDepths(_ direction: Vec3, _ m12: Mat3, _ a12: Double, _ m13: Mat3, _ a13: Double,
                                    _ m23: Mat3, _ a23: Double) -> Vec3? {
        let options = [(dot(direction, m12 * direction), a12), (dot(direction, m13 * direction), a13),
                       (dot(direction, m23 * direction), a23)]
        let (quad, a) = options.max { $0.0 / $0.1 < $1.0 / $1.1 }!
        guard quad > 0 else { return nil }
        var lambda = (a / quad).squareRoot() * direction
        if lambda.x + lambda.y + lambda.z < 0 { lambda = -lambda }
        return lambda
    }

    /// Gauss–Newton on the three distance equations (a few steps; the start is already close).
    private static func refineDepths(_ start: Vec3, b12: Double, b13: Double, b23: Double,
                                     a12: Double, a13: Double, a23: Double) -> Vec3 {
        var l = start
        for _ in 0..<5 {
            let r = Vec3(l.x * l.x + l.y * l.y - 2 * b12 * l.x * l.y - a12,
                         l.x * l.x + l.z * l.z - 2 * b13 * l.x * l.z - a13,
                         l.y * l.y + l.z * l.z - 2 * b23 * l.y * l.z - a23)
            let j = Mat3(rows: Vec3(2 * l.x - 2 * b12 * l.y, 2 * l.y - 2 * b12 * l.x, 0),
                         Vec3(2 * l.x - 2 * b13 * l.z, 0, 2 * l.z - 2 * b13 * l.x),
                         Vec3(0, 2 * l.y - 2 * b23 * l.z, 2 * l.z - 2 * b23 * l.y))
            guard let inverse = j.inverse() else { break }
            let next = l - inverse * r
            guard next.x.isFinite, next.y.isFinite, next.z.isFinite else { break }
            let done = length(next - l) <= 1e-15 * length(l)
            l = next
            if done { break }
        }
        return l
    }

    /// The rigid transform taking three world points onto three camera points (which are
    /// congruent to them), through the frames their edges span.
    private static func alignTriangle(camera c: [Vec3], world x: [Vec3]) -> Pose? {
        let wx1 = x[1] - x[0], wx2 = x[2] - x[0]
        let cx1 = c[1] - c[0], cx2 = c[2] - c[0]
        let worldFrame = Mat3(columns: wx1, wx2, cross(wx1, wx2))
        let cameraFrame = Mat3(columns: cx1, cx2, cross(cx1, cx2))
        guard let inverse = worldFrame.inverse() else { return nil }
        let rotation = nearestRotation(to: cameraFrame * inverse)
        let centroidWorld = (x[0] + x[1] + x[2]) / 3, centroidCamera = (c[0] + c[1] + c[2]) / 3
        return Pose(rotation: rotation, translation: centroidCamera - rotation * centroidWorld)
    }
}
