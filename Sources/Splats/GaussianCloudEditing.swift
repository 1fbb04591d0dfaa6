/// Editing a cloud as densification and pruning do; apply the same edit to the optimiser's
/// moments (also clouds) to keep them aligned.
extension GaussianCloud {
    /// The splats at `indices`, in that order (indices may repeat, as when cloning).
    public func selecting(_ indices: [Int]) throws -> GaussianCloud {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw SplatsError.badCloud(field: "indices", reason: "\(bad) is not a splat of \(count)")
        }
        var out = GaussianCloud(count: 0, shDegree: shDegree)
        out.count = indices.count
        let k = shCoefficients * 3
        out.means.reserveCapacity(3 * indices.count)
        out.logScales.reserveCapacity(3 * indices.count)
        out.rotations.reserveCapacity(4 * indices.count)
        out.opacityLogits.reserveCapacity(indices.count)
        out.sh.reserveCapacity(k * indices.count)
        for i in indices {
            out.means.append(contentsOf: means[3 * i..<3 * i + 3])
            out.logScales.append(contentsOf: logScales[3 * i..<3 * i + 3])
            out.rotations.append(contentsOf: rotations[4 * i..<4 * i + 4])
            out.opacityLogits.append(opacityLogits[i])
            out.sh.append(contentsOf: sh[k * i..<k * (i + 1)])
        }
        return out
    }

    /// Appends the splats of `other`, which must have the same SH degree.
    public mutating func append(_ other: GaussianCloud) throws {
        guard other.shDegree == shDegree else {
            throw SplatsError.badCloud(field: "shDegree", reason: "cannot append degree \(other.shDegree) splats to degree \(shDegree)")
        }
        count += other.count
        means += other.means
        logScales += other.logScales
        rotations += other.rotations
        opacityLogits += other.opacityLogits
        sh += other.sh
    }
}
