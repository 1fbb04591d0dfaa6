import Foundation
import Media
import Geometry

/// Binary cache of verified pairs, so a rerun skips matching. Little-endian: "V2WPAIR1", UInt32
/// key length and the UTF-8 key (what the pairs were computed from; a different key means
/// stale), UInt32 pair count; per pair: UInt32 first, second, putative, configuration, inlier
/// count, UInt32 has-pose, 12 Float64 (row-major R, t), then inlier count × 2 UInt32.
public enum PairFile {
    static let magic = Array("V2WPAIR1".utf8)
    static let configurations: [TwoViewConfiguration] = [.general, .planar, .pureRotation, .insufficient]

    public static func write(_ pairs: [VerifiedPair], key: String, to url: URL) throws {
        var out = CacheWriter(magic: magic, key: key)
        out.u32(pairs.count)
        for p in pairs {
            out.u32(p.pair.first); out.u32(p.pair.second); out.u32(p.putative)
            out.u32(configurations.firstIndex(of: p.configuration)!); out.u32(p.inliers.count)
            out.u32(p.relativePose == nil ? 0 : 1)
            out.pose(p.relativePose ?? .identity)
            for m in p.inliers { out.u32(Int(m.index1)); out.u32(Int(m.index2)) }
        }
        // Temporary name + rename (Media's AtomicFile): a crash never leaves a half-written cache.
        do { try AtomicFile.write(out.data, to: url) } catch {
            throw EstimateError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// The pairs, or nil when the file holds another key. Sizes are checked before use.
    public static func read(_ url: URL, key: String) throws -> [VerifiedPair]? {
        guard var input = try CacheReader(url, magic: magic, key: key, what: "pair") else { return nil }
        let count = try input.u32()
        guard count <= input.remaining / (6 * 4 + 12 * 8) else { throw input.fail("\(count) pairs cannot fit in \(input.bytes.count) bytes") }
        var pairs: [VerifiedPair] = []
        for _ in 0..<count {
            let first = try input.u32(), second = try input.u32(), putative = try input.u32()
            let configuration = try input.u32(), inliers = try input.u32(), hasPose = try input.u32()
            guard configuration < configurations.count, first < second else { throw input.fail("malformed pair record") }
            let pose = try input.pose()
            try input.need(inliers * 8)
            var matches: [PairMatch] = []
            matches.reserveCapacity(inliers)
            for _ in 0..<inliers { matches.append(PairMatch(try input.u32(), try input.u32())) }
            pairs.append(VerifiedPair(pair: ImagePair(first, second), putative: putative, inliers: matches,
                                      configuration: configurations[configuration], relativePose: hasPose == 1 ? pose : nil))
        }
        return pairs
    }
}
