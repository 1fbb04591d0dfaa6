/// Levenberg–Marquardt for small problems (a handful of parameters), with a forward-difference
/// Jacobian. Used to polish minimal-solver output and for the local-optimisation step of
/// RANSAC; not meant for bundle adjustment.
struct SmallLeastSquares {
    var iterations = 20
    /// Relative step for the finite-difference Jacobian.
    var differenceStep = 1e-7

    /// Minimises Σ residuals(p)². `residuals` must return the same count every call.
    func minimize(_ start: [Double], residuals: ([Double]) -> [Double]) -> [Double] {
        var p = start
        var r = residuals(p)
        var cost = r.reduce(0) { $0 + $1 * $1 }
        var lambda = 1e-4
        let n = p.count
        for _ in 0..<iterations {
            // Jacobian columns by forward differences.
            var jacobian = [[Double]](repeating: [], count: n)
            for k in 0..<n {
                let h = differenceStep * max(1, abs(p[k]))
                var q = p
                q[k] += h
                let rq = residuals(q)
                jacobian[k] = zip(rq, r).map { ($0 - $1) / h }
            }
            var jtj = [Double](repeating: 0, count: n * n)
            var jtr = [Double](repeating: 0, count: n)
            for a in 0..<n {
                for b in a..<n {
                    var s = 0.0
                    for i in 0..<r.count { s += jacobian[a][i] * jacobian[b][i] }
                    jtj[a * n + b] = s; jtj[b * n + a] = s
                }
                var s = 0.0
                for i in 0..<r.count { s += jacobian[a][i] * r[i] }
                jtr[a] = -s
            }
            var improved = false
            for _ in 0..<8 {
                var damped = jtj
                for a in 0..<n { damped[a * n + a] += lambda * max(jtj[a * n + a], 1e-12) }
                guard let step = solveLinear(damped, jtr) else { lambda *= 10; continue }
                let candidate = zip(p, step).map { $0 + $1 }
                let rc = residuals(candidate)
                let cc = rc.reduce(0) { $0 + $1 * $1 }
                if cc.isFinite && cc < cost {
                    let gain = cost - cc
                    p = candidate; r = rc; cost = cc
                    lambda = max(lambda / 10, 1e-12)
                    improved = true
                    if gain <= 1e-15 * max(cost, 1e-300) { return p }
                    break
                }
                lambda *= 10
            }
            if !improved || cost == 0 { break }
        }
        return p
    }
}
