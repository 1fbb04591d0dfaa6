import Foundation
import Geometry

/// Little-endian writing and bounds-checked reading for the binary cache files (pairs, model).
struct CacheWriter {
    var data: Data
    init(magic: [UInt8], key: String) {
        data = Data(magic)
        let keyBytes = Array(key.utf8)
        u32(keyBytes.count)
        data.append(contentsOf: keyBytes)
    }
    mutating func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { data.append(contentsOf: $0) } }
    mutating func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    mutating func pose(_ pose: Pose) {
        for v in pose.rotation.rowMajor { f64(v) }
        f64(pose.translation.x); f64(pose.translation.y); f64(pose.translation.z)
    }
}

struct CacheReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    /// Opens `url`, checks the magic, and reads the key; nil when the file holds another key.
    init?(_ url: URL, magic: [UInt8], key: String, what: String) throws {
        path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EstimateError.unreadableFile(path: path, reason: "no such file or not readable")
        }
        bytes = [UInt8](data)
        try need(magic.count)
        guard Array(bytes[0..<magic.count]) == magic else { throw fail("not a vid2world \(what) file") }
        offset = magic.count
        let keyLength = try u32()
        try need(keyLength)
        let storedKey = String(decoding: bytes[offset..<(offset + keyLength)], as: UTF8.self)
        offset += keyLength
        guard storedKey == key else { return nil }
    }

    var remaining: Int { bytes.count - offset }
    func fail(_ reason: String) -> EstimateError { .unreadableFile(path: path, reason: reason) }
    func need(_ n: Int) throws { guard n >= 0, offset + n <= bytes.count else { throw fail("truncated at byte \(offset)") } }
    mutating func u32() throws -> Int {
        try need(4)
        defer { offset += 4 }
        return Int(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
    }
    mutating func f64() throws -> Double {
        try need(8)
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        offset += 8
        return Double(bitPattern: bits)
    }
    mutating func pose() throws -> Pose {
        var values: [Double] = []
        for _ in 0..<12 { values.append(try f64()) }
        guard let rotation = Mat3(rowMajor: Array(values[0..<9])) else { throw fail("malformed rotation") }
        return Pose(rotation: rotation, translation: Vec3(values[9], values[10], values[11]))
    }
    mutating func string() throws -> String {
        let count = try u32()
        try need(count)
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }
}
