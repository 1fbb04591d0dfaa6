/// One keypoint of one image.
public struct TrackElement: Hashable, Sendable {
    public var image: Int32
    public var keypoint: Int32
    public init(image: Int, keypoint: Int) { self.image = Int32(image); self.keypoint = Int32(keypoint) }
}

/// Feature tracks: connected components of the verified matches (union–find over keypoints).
/// A component can hold several keypoints of one image (a point detected at two
/// orientations, or a wrong match); only the one with most verified matches is kept there, and
/// the reprojection checks of the mapper weed out what is still wrong.
enum TrackBuilder {
    static func build(pairs: [VerifiedPair], keypointCounts: [Int]) -> [[TrackElement]] {
        var offset = [Int](repeating: 0, count: keypointCounts.count + 1)
        for (i, n) in keypointCounts.enumerated() { offset[i + 1] = offset[i] + n }
        var parent = Array(0..<offset.last!)
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] != root { root = parent[root] }
            var y = x
            while parent[y] != root { let next = parent[y]; parent[y] = root; y = next }
            return root
        }
        var degree = [Int32](repeating: 0, count: parent.count)
        for pair in pairs where pair.configuration != .insufficient {
            for m in pair.inliers {
                let a = offset[pair.pair.first] + Int(m.index1), b = offset[pair.pair.second] + Int(m.index2)
                degree[a] += 1; degree[b] += 1
                let ra = find(a), rb = find(b)
                // The smaller root wins, so the result never depends on the merge order's details.
                if ra != rb { if ra < rb { parent[rb] = ra } else { parent[ra] = rb } }
            }
        }
        var componentOf: [Int: Int] = [:]
        var tracks: [[TrackElement]] = []
        for image in 0..<keypointCounts.count {
            for k in 0..<keypointCounts[image] where degree[offset[image] + k] > 0 {
                let root = find(offset[image] + k)
                let element = TrackElement(image: image, keypoint: k)
                if let t = componentOf[root] { tracks[t].append(element) } else {
                    componentOf[root] = tracks.count
                    tracks.append([element])
                }
            }
        }
        return tracks.compactMap { track in
            // Elements arrive grouped by image: keep the best connected of each group.
            var kept: [TrackElement] = []
            for e in track {
                if let last = kept.last, last.image == e.image {
                    if degree[offset[Int(e.image)] + Int(e.keypoint)] > degree[offset[Int(last.image)] + Int(last.keypoint)] {
                        kept[kept.count - 1] = e
                    }
                } else {
                    kept.append(e)
                }
            }
            return kept.count >= 2 ? kept : nil
        }
    }
}
