/// Which image pairs are matched.
public enum MatchPlan: Equatable, Sendable {
    /// Every pair (photo sets; fine up to a few hundred images).
    case exhaustive
    /// Each image against its next `overlap` images in input order (video keyframes).
    case sequential(overlap: Int)
    /// Exhaustive up to `exhaustiveLimit` images, sequential with `overlap` beyond.
    case automatic(exhaustiveLimit: Int, overlap: Int)

    public static let `default` = MatchPlan.automatic(exhaustiveLimit: 60, overlap: 10)

    /// Pairs (i < j) for `count` images, sorted, plus any extra candidates (loop closures found
    /// by a global descriptor, for instance) with duplicates removed.
    public func pairs(count: Int, extra: [ImagePair] = []) -> [ImagePair] {
        var set = Set<ImagePair>()
        switch self {
        case .exhaustive:
            for i in 0..<count { for j in (i + 1)..<max(i + 1, count) { set.insert(ImagePair(i, j)) } }
        case let .sequential(overlap):
            for i in 0..<count { for j in (i + 1)..<min(count, i + 1 + max(1, overlap)) { set.insert(ImagePair(i, j)) } }
        case let .automatic(limit, overlap):
            return (count <= limit ? MatchPlan.exhaustive : .sequential(overlap: overlap)).pairs(count: count, extra: extra)
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
