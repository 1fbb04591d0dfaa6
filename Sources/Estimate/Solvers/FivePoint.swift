import Geometry

/// Nistér's five-point relative pose solver (Nistér 2004, with Stewénius' elimination order).
///
/// E is written as x X + y Y + z Z + W over the 4-dimensional null space of the epipolar
/// constraints; det E = 0 and the trace constraint 2 E Eᵀ E − tr(E Eᵀ) E = 0 give 10 cubic
/// equations in (x, y, z). Gauss–Jordan elimination and two rounds of elimination by z leave a
/// 3 × 3 polynomial matrix whose determinant is a degree-10 polynomial in z; its real roots
/// give up to 10 essential matrices.
public enum FivePoint {
    /// Essential matrices E with `rays2[i]ᵀ E rays1[i] = 0` for the first five pairs, each
    /// scaled to unit Frobenius norm. Rays are normalised image coordinates (x, y, 1) or unit
    /// bearings. More than five pairs are allowed (a least-squares null space is used), fewer
    /// returns no solution. A camera-2 point is `R X1 + t` for `E = [t]× R`.
    public static func solve(_ rays1: [Vec3], _ rays2: [Vec3]) -> [Mat3] {
        guard rays1.count >= 5, rays1.count == rays2.count else { return [] }
        var constraints = DenseMatrix(rows: rays1.count, columns: 9)
        for i in 0..<rays1.count {
            let a = rays1[i], b = rays2[i]
            let row = [b.x * a.x, b.x * a.y, b.x * a.z, b.y * a.x, b.y * a.y, b.y * a.z, b.z * a.x, b.z * a.y, b.z * a.z]
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return [] }
            for c in 0..<9 { constraints[i, c] = row[c] / norm }
        }
        // X, Y, Z, W from the SVD: an orthonormal basis. (A basis from Gauss–Jordan elimination
        // is cheaper but was seen to cluster the roots of the degree-10 polynomial badly.)
        return solve(nullSpace: constraints.nullSpace(count: 4))
    }

    /// The polynomial part, from the four null-space vectors (row-major 3×3 each).
    static func solve(nullSpace basis: [[Double]]) -> [Mat3] {
        // E entries as linear polynomials in x, y, z.
        var e = [CubicPoly](repeating: CubicPoly(), count: 9)
        for k in 0..<9 {
            e[k][CubicPoly.index(1, 0, 0)] = basis[0][k]
            e[k][CubicPoly.index(0, 1, 0)] = basis[1][k]
            e[k][CubicPoly.index(0, 0, 1)] = basis[2][k]
            e[k][CubicPoly.index(0, 0, 0)] = basis[3][k]
        }
        func at(_ r: Int, _ c: Int) -> CubicPoly { e[3 * r + c] }

        var equations: [CubicPoly] = []
        // det E.
        let det = at(0, 0) * (at(1, 1) * at(2, 2) - at(1, 2) * at(2, 1))
            - at(0, 1) * (at(1, 0) * at(2, 2) - at(1, 2) * at(2, 0))
            + at(0, 2) * (at(1, 0) * at(2, 1) - at(1, 1) * at(2, 0))
        equations.append(det)
        // E Eᵀ (symmetric, quadratic entries) and its trace.
        var eet = [CubicPoly](repeating: CubicPoly(), count: 9)
        for r in 0..<3 {
            for c in r..<3 {
                let v = at(r, 0) * at(c, 0) + at(r, 1) * at(c, 1) + at(r, 2) * at(c, 2)
                eet[3 * r + c] = v; eet[3 * c + r] = v
            }
        }
        let trace = eet[0] + eet[4] + eet[8]
        for r in 0..<3 {
            for c in 0..<3 {
                // (2 E Eᵀ E − tr(E Eᵀ) E)[r, c]
                var v = eet[3 * r] * at(0, c) + eet[3 * r + 1] * at(1, c) + eet[3 * r + 2] * at(2, c)
                v = v.scaled(2) - trace * at(r, c)
                equations.append(v)
            }
        }

        // 10 × 20 coefficient matrix in the elimination order of the monomials.
        var m = DenseMatrix(rows: 10, columns: 20)
        for (row, poly) in equations.enumerated() {
            for (column, monomial) in eliminationOrder.enumerated() { m[row, column] = poly[monomial] }
        }
        guard m.gaussJordan(pivotColumns: 10) else { return [] }

        // Rows 4…9 lead with x²z, x², y²z, y², xyz, xy. Their tails are in the monomials
        // [xz², xz, x, yz², yz, y, z³, z², z, 1] (columns 10…19).
        // k = row4 − z·row5, l = row6 − z·row7, m = row8 − z·row9: each is
        // x·px(z) + y·py(z) + p1(z) with px, py cubic and p1 quartic (coefficients ascending).
        func eliminate(_ upper: Int, _ lower: Int) -> [[Double]] {
            func tail(_ r: Int, _ c: Int) -> Double { m[r, 10 + c] }
            let px = [tail(upper, 2), tail(upper, 1) - tail(lower, 2), tail(upper, 0) - tail(lower, 1), -tail(lower, 0)]
            let py = [tail(upper, 5), tail(upper, 4) - tail(lower, 5), tail(upper, 3) - tail(lower, 4), -tail(lower, 3)]
            let p1 = [tail(upper, 9), tail(upper, 8) - tail(lower, 9), tail(upper, 7) - tail(lower, 8),
                      tail(upper, 6) - tail(lower, 7), -tail(lower, 6)]
            return [px, py, p1]
        }
        let b = [eliminate(4, 5), eliminate(6, 7), eliminate(8, 9)]
        // det B(z), degree 10.
        let minor0 = polySub(polyMul(b[1][1], b[2][2]), polyMul(b[1][2], b[2][1]))
        let minor1 = polySub(polyMul(b[1][0], b[2][2]), polyMul(b[1][2], b[2][0]))
        let minor2 = polySub(polyMul(b[1][0], b[2][1]), polyMul(b[1][1], b[2][0]))
        let detB = polyAdd(polySub(polyMul(b[0][0], minor0), polyMul(b[0][1], minor1)), polyMul(b[0][2], minor2))

        var solutions: [Mat3] = []
        for z in realRoots(detB) {
            // [x, y, 1] spans the null space of B(z): the cross product of two of its rows.
            let rows = b.map { row in Vec3(evaluate(row[0], z), evaluate(row[1], z), evaluate(row[2], z)) }
            let candidates = [cross(rows[0], rows[1]), cross(rows[0], rows[2]), cross(rows[1], rows[2])]
            let v = candidates.max { length($0) < length($1) }!
            guard abs(v.z) > 1e-14 * length(v) else { continue }
            // Polish (x, y, z) on the ten original cubics: the elimination loses a few digits
            // in badly conditioned configurations.
            let polished = polish(Vec3(v.x / v.z, v.y / v.z, z), equations)
            let x = polished.x, y = polished.y, z = polished.z
            var values = [Double](repeating: 0, count: 9)
            for k in 0..<9 { values[k] = x * basis[0][k] + y * basis[1][k] + z * basis[2][k] + basis[3][k] }
            guard let essential = Mat3(rowMajor: values), essential.frobeniusNorm > 0 else { continue }
            solutions.append((1 / essential.frobeniusNorm) * essential)
        }
        return solutions
    }

    /// A few Newton (Gauss–Newton) steps on the 10 cubic constraints in (x, y, z), with
    /// analytic derivatives; keeps the start if the residual does not shrink.
    private static func polish(_ start: Vec3, _ equations: [CubicPoly]) -> Vec3 {
        var p = start
        func residualNorm(_ q: Vec3) -> Double {
            let basis = CubicPoly.monomials(at: q)
            return equations.reduce(0) { let v = $1.dot(basis.values); return $0 + v * v }
        }
        var cost = residualNorm(p)
        for _ in 0..<4 {
            let basis = CubicPoly.monomials(at: p)
            var jtj = Mat3.zero, jtr = Vec3.zero
            for eq in equations {
                let value = eq.dot(basis.values)
                let gradient = Vec3(eq.dot(basis.dx), eq.dot(basis.dy), eq.dot(basis.dz))
                jtj = jtj + Mat3.outer(gradient, gradient)
                jtr = jtr + value * gradient
            }
            guard let inverse = jtj.inverse() else { break }
            let step = inverse * jtr
            let next = p - step
            let nextCost = residualNorm(next)
            guard nextCost < cost else { break }
            p = next; cost = nextCost
            if length(step) <= 1e-15 * max(1, length(p)) { break }
        }
        return p
    }

    /// Monomials (x, y, z exponents) in Nistér's column order: the ten to eliminate, then
    /// xz², xz, x, yz², yz, y, z³, z², z, 1.
    private static let eliminationOrder: [Int] = [
        (3, 0, 0), (0, 3, 0), (2, 1, 0), (1, 2, 0), (2, 0, 1), (2, 0, 0), (0, 2, 1), (0, 2, 0), (1, 1, 1), (1, 1, 0),
        (1, 0, 2), (1, 0, 1), (1, 0, 0), (0, 1, 2), (0, 1, 1), (0, 1, 0), (0, 0, 3), (0, 0, 2), (0, 0, 1), (0, 0, 0),
    ].map { CubicPoly.index($0.0, $0.1, $0.2) }
}

/// A polynomial of total degree ≤ 3 in x, y, z: 20 coefficients.
struct CubicPoly {
    var c = [Double](repeating: 0, count: 20)

    /// Monomial exponents by index and the reverse table.
    static let exponents: [(Int, Int, Int)] = {
        var list: [(Int, Int, Int)] = []
        for d in 0...3 { for i in stride(from: d, through: 0, by: -1) { for j in stride(from: d - i, through: 0, by: -1) { list.append((i, j, d - i - j)) } } }
        return list
    }()
    private static let lookup: [Int] = {
        var table = [Int](repeating: -1, count: 64)
        for (k, e) in exponents.enumerated() { table[e.0 * 16 + e.1 * 4 + e.2] = k }
        return table
    }()

    static func index(_ i: Int, _ j: Int, _ k: Int) -> Int { lookup[i * 16 + j * 4 + k] }

    subscript(k: Int) -> Double {
        get { c[k] }
        set { c[k] = newValue }
    }

    /// The 20 monomials at q = (x, y, z) and their partial derivatives, in index order:
    /// a polynomial's value is then `dot(values)`, its gradient the dots with dx, dy, dz.
    static func monomials(at q: Vec3) -> (values: [Double], dx: [Double], dy: [Double], dz: [Double]) {
        let px = SIMD4<Double>(1, q.x, q.x * q.x, q.x * q.x * q.x), py = SIMD4<Double>(1, q.y, q.y * q.y, q.y * q.y * q.y)
        let pz = SIMD4<Double>(1, q.z, q.z * q.z, q.z * q.z * q.z)
        var values = [Double](repeating: 0, count: 20), dx = values, dy = values, dz = values
        for (k, (i, j, l)) in exponents.enumerated() {
            values[k] = px[i] * py[j] * pz[l]
            if i > 0 { dx[k] = Double(i) * px[i - 1] * py[j] * pz[l] }
            if j > 0 { dy[k] = Double(j) * px[i] * py[j - 1] * pz[l] }
            if l > 0 { dz[k] = Double(l) * px[i] * py[j] * pz[l - 1] }
        }
        return (values, dx, dy, dz)
    }

    /// Σ c[k] · basis[k].
    func dot(_ basis: [Double]) -> Double {
        var s = 0.0
        for k in 0..<20 { s += c[k] * basis[k] }
        return s
    }

    func scaled(_ s: Double) -> CubicPoly { var p = self; for k in 0..<20 { p.c[k] *= s }; return p }

    static func + (a: CubicPoly, b: CubicPoly) -> CubicPoly { var p = a; for k in 0..<20 { p.c[k] += b.c[k] }; return p }
    static func - (a: CubicPoly, b: CubicPoly) -> CubicPoly { var p = a; for k in 0..<20 { p.c[k] -= b.c[k] }; return p }

    /// Product; terms above degree 3 cannot occur for the products the solver forms.
    static func * (a: CubicPoly, b: CubicPoly) -> CubicPoly {
        var p = CubicPoly()
        for i in 0..<20 where a.c[i] != 0 {
            let ea = exponents[i]
            for j in 0..<20 where b.c[j] != 0 {
                let eb = exponents[j]
                let k = index(ea.0 + eb.0, ea.1 + eb.1, ea.2 + eb.2)
                p.c[k] += a.c[i] * b.c[j]
            }
        }
        return p
    }
}

func polyMul(_ a: [Double], _ b: [Double]) -> [Double] {
    var p = [Double](repeating: 0, count: a.count + b.count - 1)
    for i in 0..<a.count { for j in 0..<b.count { p[i + j] += a[i] * b[j] } }
    return p
}

func polyAdd(_ a: [Double], _ b: [Double]) -> [Double] {
    var p = [Double](repeating: 0, count: max(a.count, b.count))
    for i in 0..<a.count { p[i] += a[i] }
    for i in 0..<b.count { p[i] += b[i] }
    return p
}

func polySub(_ a: [Double], _ b: [Double]) -> [Double] { polyAdd(a, b.map { -$0 }) }
