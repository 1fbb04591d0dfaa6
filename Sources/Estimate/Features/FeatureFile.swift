import Foundation
import Media

/// Binary cache of one image's features, so a rerun skips extraction. Little-endian:
/// "V2WFEAT1", then UInt32 width, height, count; count keypoints of six Float32 (x, y, scale,
/// orientation, response, octave); then count × 128 Float32 descriptors.
public enum FeatureFile {
    static let magic = Array("V2WFEAT1".utf8)
    static let headerSize = 8 + 12

    /// Writes to `url` through a temporary name, renamed into place when complete.
    public static func write(_ features: Features, to url: URL) throws {
        var data = Data(magic)
        func append(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func append(_ v: Float) { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt32(features.width)); append(UInt32(features.height)); append(UInt32(features.count))
        for k in features.keypoints {
            append(k.x); append(k.y); append(k.scale); append(k.orientation); append(k.response); append(Float(k.octave))
        }
        #if _endian(little)
        features.descriptors.withUnsafeBytes { data.append(contentsOf: $0) }  // already little-endian
        #else
        for d in features.descriptors { append(d) }
        #endif
        // Temporary name + rename (Media's AtomicFile): a crash never leaves a half-written cache.
        do { try AtomicFile.write(data, to: url) } catch {
            throw EstimateError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// Reads a file written by `write`; the counts are checked against the file's size before
    /// anything is allocated from them.
    public static func read(_ url: URL) throws -> Features {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EstimateError.unreadableFile(path: path, reason: "no such file or not readable")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else {
            throw EstimateError.unreadableFile(path: path, reason: "not a vid2world feature file")
        }
        func u32(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
        func f32(_ offset: Int) -> Float { Float(bitPattern: u32(offset)) }
        let width = Int(u32(8)), height = Int(u32(12)), count = Int(u32(16))
        let expected = headerSize + count * (6 + Features.descriptorLength) * 4
        guard bytes.count == expected else {
            throw EstimateError.unreadableFile(path: path, reason: "\(bytes.count) bytes where \(count) keypoints need \(expected)")
        }
        var keypoints: [Keypoint] = []
        keypoints.reserveCapacity(count)
        for i in 0..<count {
            let o = headerSize + i * 24
            keypoints.append(Keypoint(x: f32(o), y: f32(o + 4), scale: f32(o + 8), orientation: f32(o + 12),
                                      response: f32(o + 16), octave: Int(f32(o + 20))))
        }
        let start = headerSize + count * 24
        #if _endian(little)
        let descriptors = bytes[start...].withUnsafeBytes { raw in
            (0..<(count * Features.descriptorLength)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        }
        #else
        let descriptors = (0..<(count * Features.descriptorLength)).map { f32(start + 4 * $0) }
        #endif
        guard descriptors.allSatisfy({ $0.isFinite }) else {
            throw EstimateError.unreadableFile(path: path, reason: "descriptors hold a non-finite value")
        }
        return try Features(width: width, height: height, keypoints: keypoints, descriptors: descriptors)
    }
}
