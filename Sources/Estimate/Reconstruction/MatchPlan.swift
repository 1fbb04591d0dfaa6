/// Which image pairs are matched.
public enum MatchPlan: Equatable, Sendable {
    /// Every pair (photo sets; fine up to a few hundred images).
    case exhaustive
    /// Each image against its next `overlap` images in input order (video keyframes).
    case sequential(overlap: Int)
    /// Each image against its next `overlap` images plus, for each, the `loops` images outside
    /// that window that look most alike by a global descriptor (loop closures: a 360° orbit
    /// or a walk that comes back). Video keyframes.
    case sequentialWithLoops(overlap: Int, loops: Int)
    /// Exhaustive up to `exhaustiveLimit` images, sequential with `overlap` and 3 loop
    /// candidates per image beyond.
    case automatic(exhaustiveLimit: Int, overlap: Int)

    /// Photo folders: every pair up to 300 (unordered photos have no neighbours by name; the
    /// 4096-keypoint cap on all-pairs matching keeps that affordable), else neighbours + loops.
    public static let `default` = MatchPlan.automatic(exhaustiveLimit: 300, overlap: 10)
    /// For video keyframes: neighbours plus loop closures.
    public static let video = MatchPlan.sequentialWithLoops(overlap: 10, loops: 3)

    /// The concrete plan for `count` images (`automatic` decided).
    public func resolved(count: Int) -> MatchPlan {
        guard case let .automatic(limit, overlap) = self else { return self }
        return count <= limit ? .exhaustive : .sequentialWithLoops(overlap: overlap, loops: 3)
    }

    /// Loop-closure candidates wanted per image for `count` images (0: none).
    public func loopCandidates(count: Int) -> Int {
        if case let .sequentialWithLoops(_, loops) = resolved(count: count) { return loops }
        return 0
    }

    /// The neighbour window of a sequential plan (nil for exhaustive).
    public func window(count: Int) -> Int? {
        switch resolved(count: count) {
        case let .sequential(overlap), let .sequentialWithLoops(overlap, _): return overlap
        default: return nil
        }
    }

    /// Pairs (i < j) for `count` images, sorted, plus any extra candidates (loop closures found
    /// by a global descriptor, for instance) with duplicates removed.
    public func pairs(count: Int, extra: [ImagePair] = []) -> [ImagePair] {
        var set = Set<ImagePair>()
        switch self {
        case .exhaustive:
            for i in 0..<count { for j in (i + 1)..<max(i + 1, count) { set.insert(ImagePair(i, j)) } }
        case let .sequential(overlap), let .sequentialWithLoops(overlap, _):
            for i in 0..<count { for j in (i + 1)..<min(count, i + 1 + max(1, overlap)) { set.insert(ImagePair(i, j)) } }
        case .automatic:
            return resolved(count: count).pairs(count: count, extra: extra)
        }
        for pair in extra where pair.first != pair.second && pair.second < count && pair.first >= 0 { set.insert(pair) }
        return set.sorted()
    }
}

/// Two image indices, `first < second`.
public struct ImagePair: Hashable, Comparable, Sendable {
    public let first: Int
    public let second: Int
    public init(_ a: Int, _ b: Int) { first = min(a, b); second = max(a, b) }
    public static func < (a: ImagePair, b: ImagePair) -> Bool { (a.first, a.second) < (b.first, b.second) }
}

/// Extra pairs beyond the plan, e.g. loop-closure candidates from a global image descriptor.
/// The mapper asks once, after features exist; none by default.
public protocol PairCandidateSource: Sendable {
    func candidates(features: [Features]) -> [ImagePair]
}
