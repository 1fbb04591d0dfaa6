import Foundation

/// Points merged per cell of a uniform grid: each occupied cell becomes the weighted mean of its
/// points (position and colour). Cells come out in the order their first point came in, so the
/// result depends only on the input order.
struct VoxelCloud: Equatable {
    /// count × 3 each; `weights` is how many input points each one stands for.
    var positions: [Float] = []
    var colors: [Float] = []
    var weights: [Float] = []
    var count: Int { weights.count }

    /// Accumulates points into cells of side `voxel` (origin at 0).
    struct Builder {
        let voxel: Float
        private var slots: [Int64: Int] = [:]
        private var sums: [Double] = []   // per cell: x y z r g b weight

        init(voxel: Float) { self.voxel = voxel }

        mutating func add(x: Float, y: Float, z: Float, r: Float, g: Float, b: Float, weight: Float = 1) {
            let key = Self.key(x / voxel, y / voxel, z / voxel)
            let slot: Int
            if let existing = slots[key] { slot = existing } else {
                slot = sums.count / 7
                slots[key] = slot
                sums += [0, 0, 0, 0, 0, 0, 0]
            }
            let w = Double(weight), base = 7 * slot
            sums[base] += w * Double(x); sums[base + 1] += w * Double(y); sums[base + 2] += w * Double(z)
            sums[base + 3] += w * Double(r); sums[base + 4] += w * Double(g); sums[base + 5] += w * Double(b)
            sums[base + 6] += w
        }

        /// 21 bits per axis (±2^20 cells), enough for any grid this is used with; farther
        /// points share the border cells.
        static func key(_ x: Float, _ y: Float, _ z: Float) -> Int64 {
            func cell(_ v: Float) -> Int64 { Int64(max(-1_048_576, min(1_048_575, v.rounded(.down)))) + 1_048_576 }
            return cell(x) << 42 | cell(y) << 21 | cell(z)
        }

        var count: Int { sums.count / 7 }

        func build() -> VoxelCloud {
            var cloud = VoxelCloud()
            let n = count
            cloud.positions.reserveCapacity(3 * n); cloud.colors.reserveCapacity(3 * n); cloud.weights.reserveCapacity(n)
            for s in 0..<n {
                let w = sums[7 * s + 6]
                for a in 0..<3 {
                    cloud.positions.append(Float(sums[7 * s + a] / w))
                    cloud.colors.append(Float(sums[7 * s + 3 + a] / w))
                }
                cloud.weights.append(Float(w))
            }
            return cloud
        }
    }

    /// The same points merged on a coarser grid.
    func coarsened(voxel: Float) -> VoxelCloud {
        var builder = Builder(voxel: voxel)
        for i in 0..<count {
            builder.add(x: positions[3 * i], y: positions[3 * i + 1], z: positions[3 * i + 2],
                        r: colors[3 * i], g: colors[3 * i + 1], b: colors[3 * i + 2], weight: weights[i])
        }
        return builder.build()
    }

    /// Coarsens (from `voxel`, the grid this cloud was built on) until at most `target` cells
    /// remain; returns the cloud and the final voxel size. Each step grows the voxel by the
    /// square root of the excess (surfaces: cells ∝ 1/voxel²), at least by 10 %.
    func thinned(toAtMost target: Int, voxel: Float) -> (cloud: VoxelCloud, voxel: Float) {
        var cloud = self, size = voxel
        while cloud.count > max(1, target) {
            size *= max(1.1, (Float(cloud.count) / Float(max(1, target))).squareRoot())
            cloud = cloud.coarsened(voxel: size)
        }
        return (cloud, size)
    }
}
