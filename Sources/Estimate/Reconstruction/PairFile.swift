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
        var data = Data(magic)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { data.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        let keyBytes = Array(key.utf8)
        u32(keyBytes.count); data.append(contentsOf: keyBytes)
        u32(pairs.count)
        for p in pairs {
            u32(p.pair.first); u32(p.pair.second); u32(p.putative)
            u32(configurations.firstIndex(of: p.configuration)!); u32(p.inliers.count)
            u32(p.relativePose == nil ? 0 : 1)
            let pose = p.relativePose ?? .identity
            for v in pose.rotation.rowMajor { f64(v) }
            f64(pose.translation.x); f64(pose.translation.y); f64(pose.translation.z)
            for m in p.inliers { u32(Int(m.index1)); u32(Int(m.index2)) }
        }
        // Temporary name + rename (Media's AtomicFile): a crash never leaves a half-written cache.
        do { try AtomicFile.write(data, to: url) } catch {
            throw EstimateError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// The pairs, or nil when the file holds another key. Sizes are checked before use.
    public static func read(_ url: URL, key: String) throws -> [VerifiedPair]? {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EstimateError.unreadableFile(path: path, reason: "no such file or not readable")
        }
        let bytes = [UInt8](data)
        var offset = 0
        func fail(_ reason: String) -> EstimateError { .unreadableFile(path: path, reason: reason) }
        func need(_ n: Int) throws { guard n >= 0, offset + n <= bytes.count else { throw fail("truncated at byte \(offset)") } }
        func u32() throws -> Int {
            try need(4)
            defer { offset += 4 }
            return Int(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        func f64() throws -> Double {
            try need(8)
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return Double(bitPattern: bits)
        }
        try need(8)
        guard Array(bytes[0..<8]) == magic else { throw fail("not a vid2world pair file") }
        offset = 8
        let keyLength = try u32()
        try need(keyLength)
        let storedKey = String(decoding: bytes[offset..<(offset + keyLength)], as: UTF8.self)
        offset += keyLength
        guard storedKey == key else { return nil }
        let count = try u32()
        guard count <= (bytes.count - offset) / (6 * 4 + 12 * 8) else { throw fail("\(count) pairs cannot fit in \(bytes.count) bytes") }
        var pairs: [VerifiedPair] = []
        for _ in 0..<count {
            let first = try u32(), second = try u32(), putative = try u32(), configuration = try u32(), inliers = try u32(), hasPose = try u32()
            guard configuration < configurations.count, first < second else { throw fail("malformed pair record") }
            var values: [Double] = []
            for _ in 0..<12 { values.append(try f64()) }
            try need(inliers * 8)
            var matches: [PairMatch] = []
            matches.reserveCapacity(inliers)
            for _ in 0..<inliers { matches.append(PairMatch(try u32(), try u32())) }
            let pose = hasPose == 1 ? Pose(rotation: Mat3(rowMajor: Array(values[0..<9]))!, translation: Vec3(values[9], values[10], values[11])) : nil
            pairs.append(VerifiedPair(pair: ImagePair(first, second), putative: putative, inliers: matches,
                                      configuration: configurations[configuration], relativePose: pose))
        }
        return pairs
    }
}
