import Foundation
import Geometry
import Media

/// Binary cache of a finished reconstruction, so a rerun with changed later settings (depth,
/// undistortion) skips mapping. Little-endian: "V2WMODL1", UInt32 key length and the UTF-8 key
/// (what the model was computed from), width, height (UInt32), focal cx cy k1 k2 (Float64),
/// image count; per image UInt32 has-pose then 12 Float64 (row-major R, t); unregistered count,
/// per entry image index and UTF-8 reason (UInt32 length first); initial pair (2 × UInt32);
/// point count; per point 3 Float64 and its observation count, then image, keypoint (UInt32).
public enum ModelFile {
    static let magic = Array("V2WMODL1".utf8)

    public static func write(_ model: SparseModel, key: String, to url: URL) throws {
        var out = CacheWriter(magic: magic, key: key)
        out.u32(model.width); out.u32(model.height)
        let k = model.intrinsics
        for v in [k.focal, k.cx, k.cy, k.k1, k.k2] { out.f64(v) }
        out.u32(model.poses.count)
        for pose in model.poses { out.u32(pose == nil ? 0 : 1); out.pose(pose ?? .identity) }
        out.u32(model.unregistered.count)
        for (image, reason) in model.unregistered.sorted(by: { $0.key < $1.key }) {
            out.u32(image)
            let bytes = Array(reason.utf8)
            out.u32(bytes.count); out.data.append(contentsOf: bytes)
        }
        out.u32(model.initialPair.first); out.u32(model.initialPair.second)
        out.u32(model.points.count)
        for point in model.points {
            out.f64(point.position.x); out.f64(point.position.y); out.f64(point.position.z)
            out.u32(point.observations.count)
            for e in point.observations { out.u32(Int(e.image)); out.u32(Int(e.keypoint)) }
        }
        do { try AtomicFile.write(out.data, to: url) } catch {
            throw EstimateError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// The model, or nil when the file holds another key. Sizes are checked before use.
    public static func read(_ url: URL, key: String) throws -> SparseModel? {
        guard var input = try CacheReader(url, magic: magic, key: key, what: "model") else { return nil }
        let width = try input.u32(), height = try input.u32()
        let intrinsics = SharedIntrinsics(focal: try input.f64(), cx: try input.f64(), cy: try input.f64(),
                                          k1: try input.f64(), k2: try input.f64())
        let images = try input.u32()
        guard images <= input.remaining / (4 + 12 * 8) else { throw input.fail("\(images) poses cannot fit in \(input.bytes.count) bytes") }
        var poses: [Pose?] = []
        for _ in 0..<images {
            let hasPose = try input.u32()
            let pose = try input.pose()
            poses.append(hasPose == 1 ? pose : nil)
        }
        var unregistered: [Int: String] = [:]
        let unregisteredCount = try input.u32()
        guard unregisteredCount <= images else { throw input.fail("\(unregisteredCount) unregistered of \(images) images") }
        for _ in 0..<unregisteredCount {
            let image = try input.u32()
            guard image < images else { throw input.fail("unregistered image \(image) of \(images)") }
            unregistered[image] = try input.string()
        }
        let first = try input.u32(), second = try input.u32()
        let pointCount = try input.u32()
        guard pointCount <= input.remaining / (3 * 8 + 4) else { throw input.fail("\(pointCount) points cannot fit in \(input.bytes.count) bytes") }
        var points: [SparsePoint] = []
        points.reserveCapacity(pointCount)
        for _ in 0..<pointCount {
            let position = Vec3(try input.f64(), try input.f64(), try input.f64())
            let observations = try input.u32()
            try input.need(observations * 8)
            var track: [TrackElement] = []
            track.reserveCapacity(observations)
            for _ in 0..<observations {
                let image = try input.u32(), keypoint = try input.u32()
                guard image < images else { throw input.fail("observation in image \(image) of \(images)") }
                track.append(TrackElement(image: image, keypoint: keypoint))
            }
            points.append(SparsePoint(position: position, observations: track))
        }
        guard input.remaining == 0 else { throw input.fail("\(input.remaining) bytes after the last point") }
        return SparseModel(width: width, height: height, intrinsics: intrinsics, poses: poses, points: points,
                           unregistered: unregistered, initialPair: ImagePair(first, second))
    }
}
