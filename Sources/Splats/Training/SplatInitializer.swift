import Foundation
import Geometry

/// The starting cloud of a fit (as 3DGS): one splat per point, coloured by it, isotropic with a
/// standard deviation of the root mean square distance to its three nearest neighbours,
/// identity rotation, opacity 0.1, and zero higher SH coefficients.
public enum SplatInitializer {
    /// `positions` count × 3, `colors` count × 3 in [0, 1].
    public static func fromPoints(positions: [Float], colors: [Float], shDegree: Int) throws -> GaussianCloud {
        let n = positions.count / 3
        guard n > 0, positions.count == 3 * n, colors.count == 3 * n else {
            throw SplatsError.badOptions(field: "points", reason: "need count × 3 positions and colours, got \(positions.count) and \(colors.count)")
        }
        guard positions.allSatisfy(\.isFinite), colors.allSatisfy(\.isFinite) else {
            throw SplatsError.badOptions(field: "points", reason: "hold a non-finite value")
        }
        var cloud = GaussianCloud(count: n, shDegree: shDegree)
        cloud.means = positions
        let spacing = NeighbourDistances.rootMeanSquare(positions, neighbours: 3)
        let k = cloud.shCoefficients * 3
        let shC0: Float = 0.28209479177387814
        let logit: Float = log(0.1 / 0.9)
        for i in 0..<n {
            let logScale = log(max(spacing[i], 1e-7))
            for a in 0..<3 {
                cloud.logScales[3 * i + a] = logScale
                cloud.sh[k * i + a] = (min(max(colors[3 * i + a], 0), 1) - 0.5) / shC0
            }
            cloud.opacityLogits[i] = logit
        }
        return cloud
    }

    /// `count` points uniformly in a cube around the cameras' scene centre, kept only where at
    /// least one camera sees them (in front of it, inside its image), with random colours. The
    /// cube's half side is the half height of the mean view at the scene centre's distance.
    public static func random(count: Int, cameras: [SplatCamera], shDegree: Int,
                              rng: inout SeededGenerator) throws -> GaussianCloud {
        guard count > 0 else { throw SplatsError.badOptions(field: "initialSplats", reason: "must be positive, got \(count)") }
        let layout = try CameraLayout(cameras: cameras)
        let halfFov = cameras.map { atan(Double($0.height) / 2 / Double($0.fy)) }.reduce(0, +) / Double(cameras.count)
        let half = max(layout.meanDistance * tan(halfFov), 1e-3)
        var positions: [Float] = [], colors: [Float] = []
        positions.reserveCapacity(3 * count)
        colors.reserveCapacity(3 * count)
        var tries = 0
        while positions.count < 3 * count {
            tries += 1
            let p = layout.sceneCenter + Vec3(rng.nextDouble(in: -half, half), rng.nextDouble(in: -half, half),
                                              rng.nextDouble(in: -half, half))
            // After many misses (cameras that see little of the cube) accept anything.
            guard tries > 20 * count || cameras.contains(where: { sees($0, p) }) else { continue }
            positions += [Float(p.x), Float(p.y), Float(p.z)]
            colors += [Float(rng.nextDouble()), Float(rng.nextDouble()), Float(rng.nextDouble())]
        }
        return try fromPoints(positions: positions, colors: colors, shDegree: shDegree)
    }

    static func sees(_ c: SplatCamera, _ p: Vec3) -> Bool {
        let r = c.rotation.map(Double.init), t = c.translation.map(Double.init)
        let x = r[0] * p.x + r[1] * p.y + r[2] * p.z + t[0]
        let y = r[3] * p.x + r[4] * p.y + r[5] * p.z + t[1]
        let z = r[6] * p.x + r[7] * p.y + r[8] * p.z + t[2]
        guard z > Double(c.nearPlane) else { return false }
        let u = Double(c.fx) * x / z + Double(c.cx), v = Double(c.fy) * y / z + Double(c.cy)
        return u >= 0 && v >= 0 && u < Double(c.width) && v < Double(c.height)
    }
}

/// Distances to nearest neighbours through a uniform grid (about two points per cell).
enum NeighbourDistances {
    /// Per point, √(mean squared distance to its `neighbours` nearest other points); points with
    /// fewer neighbours in the whole set use those they have (a lone point gets 0.01).
    static func rootMeanSquare(_ positions: [Float], neighbours: Int) -> [Float] {
        let n = positions.count / 3
        guard n > 1 else { return [Float](repeating: 0.01, count: n) }
        var lo = [Float](repeating: .infinity, count: 3), hi = [Float](repeating: -.infinity, count: 3)
        for i in 0..<n { for a in 0..<3 { lo[a] = min(lo[a], positions[3 * i + a]); hi[a] = max(hi[a], positions[3 * i + a]) } }
        let size = (0..<3).map { max(hi[$0] - lo[$0], 1e-6) }
        let volume = size[0] * size[1] * size[2]
        var cell = max(cbrt(volume * 2 / Float(n)), 1e-6)
        // Thin sets (a plane, a line) would get cells far too small for their density.
        cell = max(cell, size.max()! / Float(max(1, Int(cbrt(Float(n))))) / 4)
        let dims = (0..<3).map { min(Int(size[$0] / cell) + 1, 1024) }
        func cellIndex(_ i: Int) -> (Int, Int, Int) {
            (min(Int((positions[3 * i] - lo[0]) / cell), dims[0] - 1),
             min(Int((positions[3 * i + 1] - lo[1]) / cell), dims[1] - 1),
             min(Int((positions[3 * i + 2] - lo[2]) / cell), dims[2] - 1))
        }
        // Points sorted by cell; cellStart[c] ..< cellStart[c + 1] are cell c's.
        let cellCount = dims[0] * dims[1] * dims[2]
        var cellOf = [Int](repeating: 0, count: n)
        var cellStart = [Int](repeating: 0, count: cellCount + 1)
        for i in 0..<n {
            let (x, y, z) = cellIndex(i)
            cellOf[i] = (z * dims[1] + y) * dims[0] + x
            cellStart[cellOf[i] + 1] += 1
        }
        for c in 0..<cellCount { cellStart[c + 1] += cellStart[c] }
        var fill = cellStart, order = [Int](repeating: 0, count: n)
        for i in 0..<n { order[fill[cellOf[i]]] = i; fill[cellOf[i]] += 1 }

        var result = [Float](repeating: 0, count: n)
        let want = min(neighbours, n - 1)
        var best = [Float](repeating: .infinity, count: want)
        for i in 0..<n {
            let (cx, cy, cz) = cellIndex(i)
            let px = positions[3 * i], py = positions[3 * i + 1], pz = positions[3 * i + 2]
            var ring = 1
            while true {
                for k in 0..<want { best[k] = .infinity }
                for z in max(0, cz - ring)...min(dims[2] - 1, cz + ring) {
                    for y in max(0, cy - ring)...min(dims[1] - 1, cy + ring) {
                        for x in max(0, cx - ring)...min(dims[0] - 1, cx + ring) {
                            let c = (z * dims[1] + y) * dims[0] + x
                            for s in cellStart[c]..<cellStart[c + 1] {
                                let j = order[s]
                                if j == i { continue }
                                let dx = positions[3 * j] - px, dy = positions[3 * j + 1] - py, dz = positions[3 * j + 2] - pz
                                let d = dx * dx + dy * dy + dz * dz
                                if d < best[want - 1] {
                                    var k = want - 1
                                    while k > 0 && best[k - 1] > d { best[k] = best[k - 1]; k -= 1 }
                                    best[k] = d
                                }
                            }
                        }
                    }
                }
                // The k-th distance is exact once it lies within the searched cube.
                let covered = Float(ring) * cell
                let coversAll = ring >= dims.max()!
                if coversAll || (best[want - 1] <= covered * covered) { break }
                ring *= 2
            }
            let finite = best.filter(\.isFinite)
            result[i] = finite.isEmpty ? 0.01 : (finite.reduce(0, +) / Float(finite.count)).squareRoot()
        }
        return result
    }
}
