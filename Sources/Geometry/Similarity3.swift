/// 3D similarity transform y = s R x + t.
public struct Similarity3: Equatable, Sendable {
    public var scale: Double
    public var rotation: Mat3
    public var translation: Vec3

    public init(scale: Double = 1, rotation: Mat3 = .identity, translation: Vec3 = .zero) {
        self.scale = scale; self.rotation = rotation; self.translation = translation
    }

    public static let identity = Similarity3()

    public func apply(_ p: Vec3) -> Vec3 { scale * (rotation * p) + translation }

    /// x = (1/s) Rᵀ (y - t).
    public var inverse: Similarity3 {
        let rt = rotation.transposed
        return Similarity3(scale: 1 / scale, rotation: rt, translation: -(rt * translation) / scale)
    }

    /// self ∘ other: apply `other` first.
    public func composed(with other: Similarity3) -> Similarity3 {
        Similarity3(scale: scale * other.scale, rotation: rotation * other.rotation,
                    translation: scale * (rotation * other.translation) + translation)
    }

    /// The same camera expressed in the new world frame: its centre maps to apply(centre), its
    /// viewing directions rotate with R, and camera coordinates scale by s (so depths stay
    /// consistent with the rescaled world).
    public func apply(_ pose: Pose) -> Pose {
        let r = pose.rotation * rotation.transposed
        return Pose(rotation: r, translation: scale * pose.translation - r * translation)
    }

    /// Umeyama (1991) least-squares similarity mapping `source` onto `target`
    /// (minimises Σ |target_i - (s R source_i + t)|²). With `estimateScale` false, s = 1.
    /// Throws for fewer than 3 points, mismatched counts, non-finite values, or
    /// degenerate (coincident or collinear) point sets.
    public static func umeyama(from source: [Vec3], to target: [Vec3], estimateScale: Bool = true) throws -> Similarity3 {
        guard source.count == target.count else {
            throw GeometryError.mismatchedCounts(source: source.count, target: target.count)
        }
        guard source.count >= 3 else { throw GeometryError.tooFewPoints(count: source.count, needed: 3) }
        guard source.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }),
              target.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw GeometryError.nonFinite(what: "Umeyama input points")
        }
        let n = Double(source.count)
        let meanSource = source.reduce(Vec3.zero, +) / n
        let meanTarget = target.reduce(Vec3.zero, +) / n

        var covariance = Mat3.zero  // (1/n) Σ (y - μy)(x - μx)ᵀ
        var sourceVariance = 0.0, targetVariance = 0.0
        for (x, y) in zip(source, target) {
            let dx = x - meanSource, dy = y - meanTarget
            covariance = covariance + Mat3.outer(dy, dx)
            sourceVariance += dot(dx, dx)
            targetVariance += dot(dy, dy)
        }
        covariance = (1 / n) * covariance
        sourceVariance /= n
        targetVariance /= n

        guard sourceVariance > 0, targetVariance > 0 else {
            throw GeometryError.degeneratePoints(reason: "all source or all target points coincide")
        }
        let (u, d, v) = SVD3.decompose(covariance)
        // Rank < 2 means one of the sets is collinear: rotation about that line is undetermined.
        guard d.y > 1e-10 * d.x else {
            throw GeometryError.degeneratePoints(reason: "points are collinear, rotation is undetermined")
        }
        // Reflection guard: force det(R) = +1.
        let sign: Double = (u.determinant * v.determinant) < 0 ? -1 : 1
        let flip = Mat3(diagonal: Vec3(1, 1, sign))
        let r = u * flip * v.transposed
        let s = estimateScale ? (d.x + d.y + sign * d.z) / sourceVariance : 1
        return Similarity3(scale: s, rotation: r, translation: meanTarget - s * (r * meanSource))
    }
}
