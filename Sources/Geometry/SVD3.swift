/// Singular value decomposition of a 3×3 matrix by one-sided (Hestenes) Jacobi rotations,
/// which keeps small singular values accurate to machine precision relative to the largest.
public struct SVD3 {
    /// A = U diag(s) Vᵀ with s ≥ 0 sorted descending and U, V orthogonal. For rank-deficient A
    /// the columns of U belonging to zero singular values are completed to an orthonormal basis.
    public static func decompose(_ a: Mat3) -> (u: Mat3, s: Vec3, v: Mat3) {
        var w = [a.c0, a.c1, a.c2]  // columns being orthogonalised: W = A V
        var v = [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)]
        let pairs = [(0, 1), (0, 2), (1, 2)]
        for _ in 0..<60 {
            var rotated = false
            for (p, q) in pairs {
                let alpha = dot(w[p], w[p]), beta = dot(w[q], w[q]), gamma = dot(w[p], w[q])
                guard gamma != 0, abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                rotated = true
                // Rotation that zeroes the (p, q) entry of WᵀW.
                let zeta = (beta - alpha) / (2 * gamma)
                let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                let c = 1 / (1 + t * t).squareRoot(), s = c * t
                (w[p], w[q]) = (c * w[p] - s * w[q], s * w[p] + c * w[q])
                (v[p], v[q]) = (c * v[p] - s * v[q], s * v[p] + c * v[q])
            }
            if !rotated { break }
        }
        let norms = w.map { length($0) }
        let order = [0, 1, 2].sorted { norms[$0] > norms[$1] }
        let sigma = Vec3(norms[order[0]], norms[order[1]], norms[order[2]])

        // Left singular vectors: normalised columns, completed where the column vanished.
        let tiny = max(sigma.x, Double.leastNormalMagnitude) * 1e-13
        var u: [Vec3] = []
        for i in order where norms[i] > tiny { u.append(w[i] / norms[i]) }
        if u.isEmpty { u.append(Vec3(1, 0, 0)) }
        if u.count == 1 {
            let helper = abs(u[0].x) < 0.9 ? Vec3(1, 0, 0) : Vec3(0, 1, 0)
            u.append(normalize(cross(u[0], helper)))
        }
        if u.count == 2 { u.append(normalize(cross(u[0], u[1]))) }
        return (Mat3(columns: u[0], u[1], u[2]), sigma,
                Mat3(columns: v[order[0]], v[order[1]], v[order[2]]))
    }
}
