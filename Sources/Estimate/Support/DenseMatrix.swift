/// A small dense row-major matrix of Doubles for the solvers (sizes up to a few hundred rows
/// by ≤ 20 columns). Only what the minimal and linear solvers need.
struct DenseMatrix {
    var rows: Int
    var columns: Int
    var values: [Double]

    init(rows: Int, columns: Int) {
        self.rows = rows; self.columns = columns
        values = [Double](repeating: 0, count: rows * columns)
    }

    subscript(r: Int, c: Int) -> Double {
        get { values[r * columns + c] }
        set { values[r * columns + c] = newValue }
    }

    /// Right singular vectors and singular values by one-sided (Hestenes) Jacobi rotations on
    /// the columns. Returned sorted by singular value, largest first; `v[k]` is the k-th right
    /// singular vector. Fewer rows than columns is fine: the missing rows count as zeros.
    func rightSingularVectors() -> (values: [Double], vectors: [[Double]]) {
        let n = columns, m = rows
        // Work on columns: W = A V, rotated until its columns are orthogonal. Column-major
        // flat storage: column c of W is w[c·m ..< (c+1)·m], of V is v[c·n ..< (c+1)·n].
        var w = [Double](repeating: 0, count: m * n)
        for r in 0..<m { for c in 0..<n { w[c * m + r] = values[r * n + c] } }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        // Below this a pair's coupling is round-off of (numerically) zero columns: rotating
        // them changes nothing and would never settle.
        let negligible = 1e-30 * values.reduce(0) { $0 + $1 * $1 }
        w.withUnsafeMutableBufferPointer { w in
            v.withUnsafeMutableBufferPointer { v in
                for _ in 0..<80 {
                    var rotated = false
                    for p in 0..<(n - 1) {
                        for q in (p + 1)..<n {
                            var alpha = 0.0, beta = 0.0, gamma = 0.0
                            for k in 0..<m {
                                let a = w[p * m + k], b = w[q * m + k]
                                alpha += a * a; beta += b * b; gamma += a * b
                            }
                            guard abs(gamma) > negligible, abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                            rotated = true
                            let zeta = (beta - alpha) / (2 * gamma)
                            let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                            let c = 1 / (1 + t * t).squareRoot(), s = c * t
                            for k in 0..<m {
                                let a = w[p * m + k], b = w[q * m + k]
                                w[p * m + k] = c * a - s * b; w[q * m + k] = s * a + c * b
                            }
                            for k in 0..<n {
                                let a = v[p * n + k], b = v[q * n + k]
                                v[p * n + k] = c * a - s * b; v[q * n + k] = s * a + c * b
                            }
                        }
                    }
                    if !rotated { break }
                }
            }
        }
        let norms = (0..<n).map { c in (0..<m).reduce(0.0) { $0 + w[c * m + $1] * w[c * m + $1] }.squareRoot() }
        let order = (0..<n).sorted { norms[$0] > norms[$1] }
        return (order.map { norms[$0] }, order.map { Array(v[($0 * n)..<(($0 + 1) * n)]) })
    }

    /// The right singular vectors of the `count` smallest singular values (a basis of the
    /// null space for an exactly rank-deficient matrix), smallest last.
    func nullSpace(count: Int) -> [[Double]] {
        let (_, vectors) = rightSingularVectors()
        return Array(vectors.suffix(count))
    }

    /// Gauss–Jordan elimination with partial pivoting on the first `pivotColumns` columns, in
    /// place. Returns false when a pivot is (numerically) zero.
    mutating func gaussJordan(pivotColumns: Int) -> Bool {
        let scale = values.reduce(0) { max($0, abs($1)) }
        for col in 0..<pivotColumns {
            var best = col
            for r in col..<rows where abs(self[r, col]) > abs(self[best, col]) { best = r }
            let pivot = self[best, col]
            guard abs(pivot) > 1e-14 * scale else { return false }
            if best != col {
                for c in 0..<columns { let t = self[col, c]; self[col, c] = self[best, c]; self[best, c] = t }
            }
            for c in 0..<columns { self[col, c] /= pivot }
            for r in 0..<rows where r != col {
                let f = self[r, col]
                if f == 0 { continue }
                for c in 0..<columns { self[r, c] -= f * self[col, c] }
            }
        }
        return true
    }
}

/// Solves the n×n system A x = b (row-major A) by Gaussian elimination with partial pivoting;
/// nil when A is singular.
func solveLinear(_ a: [Double], _ b: [Double]) -> [Double]? {
    let n = b.count
    var m = DenseMatrix(rows: n, columns: n + 1)
    for r in 0..<n {
        for c in 0..<n { m[r, c] = a[r * n + c] }
        m[r, n] = b[r]
    }
    guard m.gaussJordan(pivotColumns: n) else { return nil }
    return (0..<n).map { m[$0, n] }
}
