import Foundation

/// Per-image exposure compensation: a learned affine colour transform `out = M c + b` applied to
/// a training view's render before the loss, so that views whose exposure or white balance
/// differ (phone videos) need not pull the splats' colours apart. Held-out views and exports use
/// the splats' own colours (identity).
public struct ExposureTransform: Equatable {
    /// 12 values: M row-major (9), then b (3).
    public var parameters: [Float]

    public static let parameterCount = 12

    public static var identity: ExposureTransform {
        ExposureTransform(parameters: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])
    }

    public init(parameters: [Float]) { self.parameters = parameters }

    /// `out[i] = M color[i] + b` for each RGB pixel.
    public func apply(_ color: [Float], into out: inout [Float]) {
        if out.count != color.count { out = [Float](repeating: 0, count: color.count) }
        let p = parameters
        color.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<(c.count / 3) {
                    let r = c[3 * i], g = c[3 * i + 1], bl = c[3 * i + 2]
                    o[3 * i] = p[0] * r + p[1] * g + p[2] * bl + p[9]
                    o[3 * i + 1] = p[3] * r + p[4] * g + p[5] * bl + p[10]
                    o[3 * i + 2] = p[6] * r + p[7] * g + p[8] * bl + p[11]
                }
            }
        }
    }

    /// Backward of `apply`: given dL/d(out) in `gradient` and the untransformed `color`, returns
    /// dL/d(parameters) and overwrites `gradient` with dL/d(color) = Mᵀ dL/d(out). Sums are kept
    /// in double precision and run in pixel order (deterministic).
    public func backward(color: [Float], gradient: inout [Float]) -> [Float] {
        var sums = [Double](repeating: 0, count: 12)
        let p = parameters
        color.withUnsafeBufferPointer { c in
            gradient.withUnsafeMutableBufferPointer { g in
                var s = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
                for i in 0..<(c.count / 3) {
                    let r = Double(c[3 * i]), gr = Double(c[3 * i + 1]), bl = Double(c[3 * i + 2])
                    let d0 = g[3 * i], d1 = g[3 * i + 1], d2 = g[3 * i + 2]
                    let e0 = Double(d0), e1 = Double(d1), e2 = Double(d2)
                    s.0 += e0 * r; s.1 += e0 * gr; s.2 += e0 * bl
                    s.3 += e1 * r; s.4 += e1 * gr; s.5 += e1 * bl
                    s.6 += e2 * r; s.7 += e2 * gr; s.8 += e2 * bl
                    s.9 += e0; s.10 += e1; s.11 += e2
                    g[3 * i] = p[0] * d0 + p[3] * d1 + p[6] * d2
                    g[3 * i + 1] = p[1] * d0 + p[4] * d1 + p[7] * d2
                    g[3 * i + 2] = p[2] * d0 + p[5] * d1 + p[8] * d2
                }
                sums = [s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7, s.8, s.9, s.10, s.11]
            }
        }
        return sums.map { Float($0) }
    }
}

/// The exposure transforms of all training views and their Adam state (β 0.9 / 0.999,
/// ε 1e-15). Each view keeps its own step count: a view's transform moves only when that view is
/// trained on, so its bias correction counts its own steps.
public struct ExposureSet: Equatable {
    public var transforms: [ExposureTransform]
    public var first: [Float]
    public var second: [Float]
    public var steps: [Int]

    public init(count: Int) {
        transforms = [ExposureTransform](repeating: .identity, count: count)
        first = [Float](repeating: 0, count: count * ExposureTransform.parameterCount)
        second = first
        steps = [Int](repeating: 0, count: count)
    }

    /// One Adam step on view `view`'s transform.
    public mutating func apply(_ gradient: [Float], view: Int, rate: Float) {
        steps[view] += 1
        let b1: Float = 0.9, b2: Float = 0.999, t = Float(steps[view])
        let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
        let base = view * ExposureTransform.parameterCount
        for k in 0..<ExposureTransform.parameterCount {
            let i = base + k, g = gradient[k]
            first[i] = b1 * first[i] + (1 - b1) * g
            second[i] = b2 * second[i] + (1 - b2) * g * g
            transforms[view].parameters[k] -= rate * (first[i] / c1) / ((second[i] / c2).squareRoot() + 1e-15)
        }
    }
}
