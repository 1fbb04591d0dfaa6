import CDense
import Foundation
import Geometry

/// The multi-view geometric check (C kernel `v2w_depth_consistency`): how many neighbour depth
/// maps agree with each depth of a reference map.
enum DepthConsistency {
    static func agreement(reference camera: Camera, depth: [Float], neighbours: [(camera: Camera, depth: [Float])],
                          options: DepthOptions) -> [Float] {
        let w = camera.width, h = camera.height
        var agree = [Float](repeating: 0, count: w * h)
        withPointers(neighbours.map(\.depth)) { pointers in
            let nbs: [v2w_depth_neighbour] = neighbours.enumerated().map { k, n in
                var nb = v2w_depth_neighbour()
                nb.depth = pointers[k]
                nb.width = Int32(n.camera.width); nb.height = Int32(n.camera.height)
                let (r, t) = PlaneSweep.relativePose(from: camera.pose, to: n.camera.pose)
                let ki = n.camera.intrinsics
                store(r.rowMajor, into: &nb.r)
                store([t.x, t.y, t.z], into: &nb.t)
                store([ki.fx, ki.fy, ki.cx, ki.cy], into: &nb.k)
                return nb
            }
            let k = camera.intrinsics
            let kk: [Float] = [Float(k.fx), Float(k.fy), Float(k.cx), Float(k.cy)]
            depth.withUnsafeBufferPointer { d in
                agree.withUnsafeMutableBufferPointer { a in
                    kk.withUnsafeBufferPointer { kp in
                        nbs.withUnsafeBufferPointer { np in
                            let dp = d.baseAddress!, ap = a.baseAddress!
                            forEachChunk(count: h, chunks: options.threads) { rows in
                                v2w_depth_consistency(dp, Int32(w), Int32(h), kp.baseAddress, np.baseAddress, Int32(nbs.count),
                                                      options.maxReprojectionPixels, options.maxRelativeDepth,
                                                      Int32(rows.lowerBound), Int32(rows.upperBound), ap)
                            }
                        }
                    }
                }
            }
        }
        return agree
    }
}

/// Writes doubles as floats into a C fixed-size float array (imported as a tuple).
func store<T>(_ values: [Double], into tuple: inout T) {
    withUnsafeMutableBytes(of: &tuple) { raw in
        precondition(raw.count == values.count * MemoryLayout<Float>.size, "C array size mismatch")
        for (i, v) in values.enumerated() { raw.storeBytes(of: Float(v), toByteOffset: 4 * i, as: Float.self) }
    }
}
