/// A set of 3D Gaussians as struct-of-arrays, in the 3DGS PLY parameterisation. Also used for
/// gradients, which have the same layout.
public struct GaussianCloud: Equatable {
    /// Number of splats.
    public var count: Int
    /// Stored SH degree (0...3): `sh` holds `(shDegree + 1)²` coefficients per splat and channel.
    public var shDegree: Int
    /// count × 3, world coordinates.
    public var means: [Float]
    /// count × 3, natural logs of the standard deviations along the local axes.
    public var logScales: [Float]
    /// count × 4, quaternions (w, x, y, z); any non-zero norm (normalised when used).
    public var rotations: [Float]
    /// count, opacity = sigmoid(logit).
    public var opacityLogits: [Float]
    /// count × (shDegree + 1)² × 3: per splat [coefficient][channel], DC first. Colour is
    /// Σ coefficient × basis(view direction) + 0.5, clamped at 0.
    public var sh: [Float]

    /// Coefficients per splat and channel.
    public var shCoefficients: Int { (shDegree + 1) * (shDegree + 1) }

    /// `count` splats at the origin with unit scale, identity rotation, opacity 0.5 and zero SH.
    public init(count: Int, shDegree: Int) {
        self.count = count
        self.shDegree = shDegree
        means = [Float](repeating: 0, count: 3 * count)
        logScales = [Float](repeating: 0, count: 3 * count)
        rotations = [Float](repeating: 0, count: 4 * count)
        for i in 0..<count { rotations[4 * i] = 1 }
        opacityLogits = [Float](repeating: 0, count: count)
        sh = [Float](repeating: 0, count: count * (shDegree + 1) * (shDegree + 1) * 3)
    }

    /// A cloud of zeros with the layout of `other` (for gradients and optimiser moments).
    public static func zeros(like other: GaussianCloud) -> GaussianCloud {
        var z = GaussianCloud(count: other.count, shDegree: other.shDegree)
        z.rotations = [Float](repeating: 0, count: 4 * other.count)
        return z
    }

    /// Checks that every array has the size its count and degree ask for, that values are finite
    /// and quaternions non-zero. (Rendering checks only the layout: non-finite parameters cull
    /// the splat or give NaN colours, but never touch memory out of bounds.)
    public func validate() throws {
        try validateLayout()
        let fields: [(String, [Float])] = [("means", means), ("logScales", logScales), ("rotations", rotations),
                                           ("opacityLogits", opacityLogits), ("sh", sh)]
        for (name, values) in fields {
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw SplatsError.badCloud(field: name, reason: "value \(bad) is not finite")
            }
        }
        for i in 0..<count {
            let q = rotations[4 * i..<4 * i + 4]
            if q.reduce(0, { $0 + $1 * $1 }) == 0 {
                throw SplatsError.badCloud(field: "rotations", reason: "quaternion of splat \(i) is zero")
            }
        }
    }

    /// Checks that every array has the size its count and degree ask for.
    public func validateLayout() throws {
        guard count >= 0, count < Int(Int32.max) else {
            throw SplatsError.badCloud(field: "count", reason: "\(count) is out of range")
        }
        guard (0...3).contains(shDegree) else {
            throw SplatsError.badCloud(field: "shDegree", reason: "\(shDegree) is not in 0...3")
        }
        let fields: [(String, [Float], Int)] = [
            ("means", means, 3), ("logScales", logScales, 3), ("rotations", rotations, 4),
            ("opacityLogits", opacityLogits, 1), ("sh", sh, shCoefficients * 3),
        ]
        for (name, values, perSplat) in fields {
            guard values.count == perSplat * count else {
                throw SplatsError.badCloud(field: name, reason: "holds \(values.count) floats, expected \(perSplat * count)")
            }
        }
    }
}
