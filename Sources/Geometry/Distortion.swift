// OpenCV Brown–Conrady lens distortion (k1 k2 p1 p2 k3) on normalised image coordinates.

public struct Distortion: Equatable, Sendable {
    public var k1: Double, k2: Double, p1: Double, p2: Double, k3: Double

    public init(k1: Double = 0, k2: Double = 0, p1: Double = 0, p2: Double = 0, k3: Double = 0) {
        self.k1 = k1; self.k2 = k2; self.p1 = p1; self.p2 = p2; self.k3 = k3
    }

    public static let none = Distortion()

    public var isNone: Bool { k1 == 0 && k2 == 0 && p1 == 0 && p2 == 0 && k3 == 0 }

    /// Ideal (pinhole) normalised coordinates -> distorted normalised coordinates.
    public func distort(_ n: Vec2) -> Vec2 {
        if isNone { return n }
        let x = n.x, y = n.y
        let r2 = x * x + y * y
        let radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3))
        return Vec2(x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x),
                    y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y)
    }

    /// Jacobian of `distort` at n, as rows (∂x'/∂x, ∂x'/∂y) and (∂y'/∂x, ∂y'/∂y).
    public func jacobian(_ n: Vec2) -> (Vec2, Vec2) {
        let x = n.x, y = n.y
        let r2 = x * x + y * y
        let radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3))
        let dRadial = k1 + r2 * (2 * k2 + 3 * k3 * r2)  // d radial / d r²
        let dxdx = radial + 2 * x * x * dRadial + 2 * p1 * y + 6 * p2 * x
        let dxdy = 2 * x * y * dRadial + 2 * p1 * x + 2 * p2 * y
        let dydy = radial + 2 * y * y * dRadial + 6 * p1 * y + 2 * p2 * x
        return (Vec2(dxdx, dxdy), Vec2(dxdy, dydy))
    }

    /// Inverse of `distort`: Newton's method with step halving, starting from the distorted
    /// point, iterated until the step is below 1e-12 (normalised units) or 100 iterations.
    public func undistort(_ distorted: Vec2) -> Vec2 {
        if isNone { return distorted }
        var u = distorted
        var residual = distorted - distort(u)
        var error = (residual * residual).sum()
        for _ in 0..<100 {
            if error == 0 { break }
            let (row0, row1) = jacobian(u)
            let det = row0.x * row1.y - row0.y * row1.x
            // Newton step; fall back to a fixed-point step if the Jacobian is singular.
            var step = abs(det) > 1e-300
                ? Vec2((row1.y * residual.x - row0.y * residual.y) / det,
                       (-row1.x * residual.x + row0.x * residual.y) / det)
                : residual
            // Halve the step until the residual does not grow (keeps far-out points stable).
            var candidate = u + step
            var candidateResidual = distorted - distort(candidate)
            var candidateError = (candidateResidual * candidateResidual).sum()
            var halvings = 0
            while !(candidateError <= error) && halvings < 30 {
                step /= 2
                candidate = u + step
                candidateResidual = distorted - distort(candidate)
                candidateError = (candidateResidual * candidateResidual).sum()
                halvings += 1
            }
            if !(candidateError <= error) { break }  // no progress possible in this direction
            u = candidate
            residual = candidateResidual
            error = candidateError
            if max(abs(step.x), abs(step.y)) < 1e-12 { break }
        }
        return u
    }
}
