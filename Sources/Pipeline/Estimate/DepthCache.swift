import Estimate
import Foundation
import Geometry
import Media

/// Depth maps of an earlier run, reused when nothing they depend on changed: the model (lens,
/// poses, points and which keypoints see them), the image names and the depth settings.
/// `cache/depth.json` records a fingerprint of those and what the maps' summary was; the maps
/// themselves are the `depth/` outputs, which are then left in place.
struct DepthCache: Codable, Equatable {
    var key: String
    /// Image stems with a depth map (others have none).
    var stems: [String]
    var width: Int, height: Int
    var coverage: Double
    var unit: Double
    var planes: Double

    static func url(_ output: URL) -> URL { output.appendingPathComponent("cache/depth.json") }

    /// The record in `output`'s cache when it has `key` and every map it lists is on disk.
    static func read(_ output: URL, key: String) -> DepthCache? {
        guard let data = FileManager.default.contents(atPath: url(output).path),
              let record = try? JSONDecoder().decode(DepthCache.self, from: data), record.key == key else { return nil }
        let depth = output.appendingPathComponent("depth")
        for stem in record.stems {
            for name in [stem + ".png", stem + ".confidence.png"] where !FileManager.default.fileExists(atPath: depth.appendingPathComponent(name).path) {
                return nil
            }
        }
        return record
    }

    func write(to output: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: DepthCache.url(output))
    }

    /// FNV-1a (64 bit) over everything the maps depend on: stable across runs and machines,
    /// unlike Swift's seeded `Hasher`.
    static func key(model: SparseModel, names: [String], options: DepthOptions) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) { for b in bytes { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01b3 } }
        func mix(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { mix($0) } }
        func mix(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { mix($0) } }
        mix("v1 \(options)".utf8)
        mix(model.width); mix(model.height)
        let k = model.intrinsics
        for v in [k.focal, k.cx, k.cy, k.k1, k.k2] { mix(v) }
        for (name, pose) in zip(names, model.poses) {
            mix(name.utf8)
            guard let pose else { mix(-1); continue }
            for v in pose.rotation.rowMajor { mix(v) }
            for v in [pose.translation.x, pose.translation.y, pose.translation.z] { mix(v) }
        }
        for point in model.points {
            for v in [point.position.x, point.position.y, point.position.z] { mix(v) }
            for e in point.observations { mix(Int(e.image)); mix(Int(e.keypoint)) }
        }
        return String(hash, radix: 16)
    }
}
