import Foundation
import Geometry

/// Which views a depth map is computed from, and over which depths, from the sparse model.
public enum DepthViewSelection {
    /// Up to `options.neighbours` views per registered view, ranked by shared sparse points
    /// weighted by their median triangulation angle: pairs below `minAngleDegrees` have too
    /// little baseline, 5°–20° is ideal, and wider angles (beyond 40° the patches no longer
    /// look alike) are weighted down to nothing at 60°. Unregistered views get no neighbours.
    public static func neighbours(cameras: [Camera?], points: [SparsePoint], options: DepthOptions) -> [[Int]] {
        let n = cameras.count
        var angles = [[Int: [Double]]](repeating: [:], count: n)
        for point in points {
            let views = Array(Set(point.observations.map { Int($0.image) })).filter { $0 < n && cameras[$0] != nil }.sorted()
            guard views.count >= 2 else { continue }
            let rays = views.map { normalize(point.position - cameras[$0]!.pose.center) }
            for a in 0..<views.count {
                for b in (a + 1)..<views.count {
                    let angle = acos(max(-1, min(1, dot(rays[a], rays[b])))) * 180 / .pi
                    angles[views[a]][views[b], default: []].append(angle)
                    angles[views[b]][views[a], default: []].append(angle)
                }
            }
        }
        return (0..<n).map { i in
            guard cameras[i] != nil else { return [] }
            let scored: [(view: Int, score: Double)] = angles[i].compactMap { j, list in
                guard list.count >= options.minSharedPoints else { return nil }
                let median = list.sorted()[list.count / 2]
                let weight = angleWeight(median, minimum: options.minAngleDegrees)
                return weight > 0 ? (j, Double(list.count) * weight) : nil
            }
            return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.view < $1.view }
                .prefix(options.neighbours).map(\.view)
        }
    }

    static func angleWeight(_ degrees: Double, minimum: Double) -> Double {
        if degrees < minimum { return 0 }
        if degrees < 5 { return degrees / 5 }
        if degrees <= 20 { return 1 }
        if degrees <= 40 { return 1 - 0.5 * (degrees - 20) / 20 }
        return max(0, 0.5 * (60 - degrees) / 20)
    }

    /// Per view, the camera depths of the sparse points it observes from the 2nd to the 98th
    /// percentile, widened by `margin` on both sides (near ÷ margin, far × margin); nil for an
    /// unregistered view or one that observes fewer than 8 points in front of it.
    public static func depthRanges(cameras: [Camera?], points: [SparsePoint], margin: Double) -> [ClosedRange<Double>?] {
        var depths = [[Double]](repeating: [], count: cameras.count)
        for point in points {
            for e in point.observations {
                let i = Int(e.image)
                guard i < cameras.count, let camera = cameras[i] else { continue }
                let z = camera.pose.apply(point.position).z
                if z > 0 { depths[i].append(z) }
            }
        }
        return depths.map { list in
            guard list.count >= 8 else { return nil }
            let sorted = list.sorted()
            let near = sorted[Int(0.02 * Double(sorted.count - 1))], far = sorted[Int((0.98 * Double(sorted.count - 1)).rounded())]
            return (near / margin)...(far * margin)
        }
    }
}
