import CDense
import Foundation
import Geometry

/// One reference view's raw sweep result: depth and best score per pixel.
struct SweepResult {
    var depth: [Float]
    var score: [Float]
    var planes: Int
}

/// Plane-sweep stereo of one reference view against its neighbours (the C kernel
/// `v2w_plane_sweep`), rows split over `options.threads` cores.
enum PlaneSweep {
    static func run(reference: DepthInput, neighbours: [DepthInput], range: ClosedRange<Double>, options: DepthOptions) -> SweepResult {
        let camera = reference.camera
        let w = camera.width, h = camera.height, r = options.windowRadius
        let threads = options.threads
        // Window statistics of the reference.
        var mean = [Float](repeating: 0, count: w * h), std = [Float](repeating: 0, count: w * h)
        reference.grey.withUnsafeBufferPointer { image in
            mean.withUnsafeMutableBufferPointer { m in
                std.withUnsafeMutableBufferPointer { s in
                    let ip = image.baseAddress!, mp = m.baseAddress!, sp = s.baseAddress!
                    forEachChunk(count: h, chunks: threads) { rows in
                        v2w_window_stats(ip, Int32(w), Int32(h), Int32(r), options.minStandardDeviation, mp, sp,
                                         Int32(rows.lowerBound), Int32(rows.upperBound))
                    }
                }
            }
        }

        let homographies = neighbours.map { homography(from: camera, to: $0.camera) }
        let planes = planeCount(homographies, neighbours: neighbours.map(\.camera), camera: camera, range: range, options: options)
        let near = range.lowerBound, far = range.upperBound
        // Evenly spaced in inverse depth: equal steps in image shift.
        let inverseDepths = (0..<planes).map { Float(1 / far + (1 / near - 1 / far) * Double($0) / Double(planes - 1)) }

        var depth = [Float](repeating: 0, count: w * h), score = [Float](repeating: -1, count: w * h)
        // Keep the neighbour images alive and pinned while the kernel reads them.
        let images = neighbours.map(\.grey)
        withPointers(images) { pointers in
            var nbs = [v2w_sweep_neighbour]()
            for (k, n) in neighbours.enumerated() {
                var nb = v2w_sweep_neighbour()
                nb.image = pointers[k]
                nb.width = Int32(n.camera.width); nb.height = Int32(n.camera.height)
                let (a, b) = homographies[k]
                store(a, into: &nb.a)
                store(b, into: &nb.b)
                nbs.append(nb)
            }
            reference.grey.withUnsafeBufferPointer { image in
                mean.withUnsafeBufferPointer { m in
                    std.withUnsafeBufferPointer { s in
                        depth.withUnsafeMutableBufferPointer { d in
                            score.withUnsafeMutableBufferPointer { sc in
                                var ref = v2w_sweep_reference(image: image.baseAddress, mean: m.baseAddress, std: s.baseAddress,
                                                              width: Int32(w), height: Int32(h))
                                let dp = d.baseAddress!, sp = sc.baseAddress!
                                nbs.withUnsafeBufferPointer { nbp in
                                    inverseDepths.withUnsafeBufferPointer { ids in
                                        // Bands of rows, several per core, so each band's buffers stay in cache.
                                        let bands = max(threads, (h + 47) / 48)
                                        let perThread = (bands + threads - 1) / threads
                                        forEachChunk(count: h, chunks: threads) { rows in
                                            let count = rows.count
                                            let pieces = max(1, min(perThread, count))
                                            let longest = (count + pieces - 1) / pieces
                                            var scratch = [Float](repeating: 0, count: v2w_plane_sweep_scratch(Int32(w), Int32(longest), Int32(r), Int32(nbs.count)))
                                            scratch.withUnsafeMutableBufferPointer { buffer in
                                                for piece in 0..<pieces {
                                                    let lo = rows.lowerBound + count * piece / pieces, hi = rows.lowerBound + count * (piece + 1) / pieces
                                                    v2w_plane_sweep(&ref, nbp.baseAddress, Int32(nbs.count), Int32(min(options.keep, nbs.count)),
                                                                    ids.baseAddress, Int32(planes), Int32(r), options.minStandardDeviation,
                                                                    Int32(lo), Int32(hi), buffer.baseAddress, dp, sp)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return SweepResult(depth: depth, score: score, planes: planes)
    }

    /// Reference pixel (homogeneous) → neighbour pixel: A·p + (1/z)·b with A = Kₙ R K⁻¹ and
    /// b = Kₙ t, where (R, t) takes reference camera coordinates to the neighbour's.
    static func homography(from reference: Camera, to neighbour: Camera) -> (a: [Double], b: [Double]) {
        let (rotation, translation) = relativePose(from: reference.pose, to: neighbour.pose)
        let k = reference.intrinsics.matrix, kn = neighbour.intrinsics.matrix
        let a = kn * rotation * k.inverse()!
        let b = kn * translation
        return (a.rowMajor, [b.x, b.y, b.z])
    }

    /// (R, t) with x_neighbour = R x_reference + t.
    static func relativePose(from reference: Pose, to neighbour: Pose) -> (Mat3, Vec3) {
        let rotation = neighbour.rotation * reference.rotation.transposed
        return (rotation, neighbour.translation - rotation * reference.translation)
    }

    /// Planes needed so that no reference pixel (sampled on a grid) moves more than
    /// `pixelsPerPlane` between two successive planes in any neighbour.
    static func planeCount(_ homographies: [(a: [Double], b: [Double])], neighbours: [Camera], camera: Camera,
                           range: ClosedRange<Double>, options: DepthOptions) -> Int {
        var longest = 0.0
        for (k, (a, b)) in homographies.enumerated() {
            for gy in 0...4 {
                for gx in 0...4 {
                    let p = Vec3(Double(camera.width) * (0.05 + 0.225 * Double(gx)), Double(camera.height) * (0.05 + 0.225 * Double(gy)), 1)
                    let ap = Vec3(a[0] * p.x + a[1] * p.y + a[2], a[3] * p.x + a[4] * p.y + a[5], a[6] * p.x + a[7] * p.y + a[8])
                    let bv = Vec3(b[0], b[1], b[2])
                    let far = ap + bv / range.upperBound, near = ap + bv / range.lowerBound
                    guard far.z > 0, near.z > 0 else { continue }
                    let u = Vec2(far.x / far.z, far.y / far.z), v = Vec2(near.x / near.z, near.y / near.z)
                    // Only the part of the epipolar segment inside the neighbour counts.
                    let size = Vec2(Double(neighbours[k].width), Double(neighbours[k].height))
                    let shift = clippedLength(u, v, size: size)
                    longest = max(longest, shift)
                }
            }
        }
        let planes = Int((longest / options.pixelsPerPlane).rounded(.up)) + 1
        return min(options.maxPlanes, max(options.minPlanes, planes))
    }

    /// Length of the segment u–v inside [0, w] × [0, h] (Liang–Barsky clipping).
    static func clippedLength(_ u: Vec2, _ v: Vec2, size: Vec2) -> Double {
        var t0 = 0.0, t1 = 1.0
        let d = v - u
        for (p, q) in [(-d.x, u.x), (d.x, size.x - u.x), (-d.y, u.y), (d.y, size.y - u.y)] {
            if p == 0 { if q < 0 { return 0 }; continue }
            let t = q / p
            if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
        }
        return t1 > t0 ? (d * d).sum().squareRoot() * (t1 - t0) : 0
    }
}

/// Calls `body` with stable base pointers of every array (nested `withUnsafeBufferPointer`).
func withPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> R) -> R {
    func nest(_ k: Int, _ collected: [UnsafePointer<Float>]) -> R {
        if k == arrays.count { return body(collected) }
        return arrays[k].withUnsafeBufferPointer { nest(k + 1, collected + [$0.baseAddress!]) }
    }
    return nest(0, [])
}
