/// Real roots of a univariate polynomial given by coefficients in ascending order
/// (c[0] + c[1] x + c[2] x² + …).
///
/// Isolation by derivatives: between consecutive real roots of p′ the polynomial is monotone,
/// so each such interval (and the two unbounded ends, cut at the Cauchy bound) holds at most
/// one root, found by safeguarded Newton iteration. Roots of even multiplicity without a sign
/// change are missed, which for the solvers here is a measure-zero case.
func realRoots(_ coefficients: [Double]) -> [Double] {
    var c = coefficients
    let scale = c.reduce(0) { max($0, abs($1)) }
    guard scale > 0, scale.isFinite else { return [] }
    // Drop leading coefficients that are zero relative to the rest.
    while let last = c.last, c.count > 1, abs(last) <= 1e-14 * scale { c.removeLast() }
    let degree = c.count - 1
    if degree < 1 { return [] }
    if degree == 1 { return [-c[0] / c[1]] }
    if degree == 2 { return quadraticRoots(a: c[2], b: c[1], c: c[0]) }

    let derivative = (1...degree).map { Double($0) * c[$0] }
    let critical = realRoots(derivative).sorted()
    let lead = c[degree]
    let bound = 1 + (0..<degree).reduce(0) { max($0, abs(c[$1] / lead)) }
    var edges = [-bound]
    for x in critical where x > -bound && x < bound { edges.append(x) }
    edges.append(bound)

    var roots: [Double] = []
    for k in 0..<(edges.count - 1) {
        let a = edges[k], b = edges[k + 1]
        let fa = evaluate(c, a), fb = evaluate(c, b)
        if fa == 0 { if roots.last != a { roots.append(a) }; continue }
        if fa * fb > 0 { continue }
        if fb == 0 { roots.append(b); continue }
        roots.append(monotoneRoot(c, derivative, a, b, fa))
    }
    return roots
}

/// Value of the polynomial at x (Horner).
func evaluate(_ c: [Double], _ x: Double) -> Double {
    var v = 0.0
    for coefficient in c.reversed() { v = v * x + coefficient }
    return v
}

/// Real roots of a x² + b x + c, computed without cancellation.
func quadraticRoots(a: Double, b: Double, c: Double) -> [Double] {
    if a == 0 { return b == 0 ? [] : [-c / b] }
    let disc = b * b - 4 * a * c
    if disc < 0 { return [] }
    let q = -0.5 * (b + (b >= 0 ? 1 : -1) * disc.squareRoot())
    if q == 0 { return [0] }
    return [q / a, c / q]
}

/// The root in [a, b] where the polynomial changes sign (f(a) = fa), by Newton steps that
/// fall back to bisection whenever they would leave the bracket or converge slowly.
private func monotoneRoot(_ c: [Double], _ d: [Double], _ a: Double, _ b: Double, _ fa: Double) -> Double {
    var lo = a, hi = b
    if fa > 0 { swap(&lo, &hi) }  // keep f(lo) < 0 < f(hi)
    var x = 0.5 * (a + b)
    var lastStep = abs(b - a)
    for _ in 0..<200 {
        let f = evaluate(c, x)
        if f == 0 { return x }
        if f < 0 { lo = x } else { hi = x }
        let slope = evaluate(d, x)
        var next = slope != 0 ? x - f / slope : .nan
        let inBracket = next.isFinite && (next - lo) * (next - hi) < 0
        if !inBracket || abs(next - x) > 0.5 * lastStep {
            next = 0.5 * (lo + hi)
        }
        lastStep = abs(next - x)
        if next == x || lastStep <= 1e-16 * max(1, abs(x)) { return next }
        x = next
    }
    return x
}
