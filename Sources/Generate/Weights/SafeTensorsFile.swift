import Foundation

/// A safetensors file, checked before any tensor is trusted.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`),
/// then the data section; offsets are relative to its start. The reader checks that the header
/// fits in the file, every dtype is known, shape × dtype size equals the byte length, offsets lie
/// inside the data section, and no two tensors overlap. F16 and BF16 are converted to Float.
public struct SafeTensorsFile {
    public enum DType: String, Sendable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"

        var size: Int { self == .f32 ? 4 : 2 }
    }

    public struct Entry: Equatable, Sendable {
        public var dtype: DType
        public var shape: [Int]
        /// Byte range inside the data section.
        public var range: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Header lengths past this are refused before the JSON is parsed (the format allows 100 MB).
    static let maxHeaderBytes = 100_000_000

    public init(url: URL) throws {
        path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw GenerateError.fileNotFound(file: path) }
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw GenerateError.unreadable(file: path, reason: error.localizedDescription)
        }
        (entries, metadata, dataStart) = try Self.parseHeader(data, path: path)
    }

    public var names: [String] { entries.keys.sorted() }

    /// The tensor's values as Float, in row-major order.
    public func floats(_ name: String) throws -> [Float] {
        guard let entry = entries[name] else { throw GenerateError.missingTensor(file: path, tensor: name) }
        let start = dataStart + entry.range.lowerBound
        var out = [Float](repeating: 0, count: entry.count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.baseAddress! + start
            switch entry.dtype {
            case .f32:
                out.withUnsafeMutableBytes { dst in dst.copyMemory(from: UnsafeRawBufferPointer(start: base, count: entry.count * 4)) }
                #if _endian(big)
                for i in out.indices { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
                #endif
            case .f16:
                for i in 0..<entry.count { out[i] = Self.halfToFloat(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) }
            case .bf16:
                for i in 0..<entry.count {
                    out[i] = Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
                }
            }
        }
        return out
    }

    /// Values and a check that the shape is the one expected.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let entry = entries[name] else { throw GenerateError.missingTensor(file: path, tensor: name) }
        guard entry.shape == shape else {
            throw GenerateError.badTensor(file: path, tensor: name, reason: "shape \(entry.shape), expected \(shape)")
        }
        return try floats(name)
    }

    // MARK: - header

    static func parseHeader(_ data: Data, path: String) throws -> ([String: Entry], [String: String], Int) {
        guard data.count >= 8 else {
            throw GenerateError.badHeader(file: path, reason: "\(data.count) bytes, too short for the 8-byte header length")
        }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length >= 2, length <= UInt64(maxHeaderBytes), length <= UInt64(data.count - 8) else {
            throw GenerateError.badHeader(file: path, reason: "header length \(length) does not fit in the \(data.count)-byte file")
        }
        let start = 8 + Int(length)
        let dataSize = data.count - start
        let root: [String: RawHeaderValue]
        do { root = try JSONDecoder().decode([String: RawHeaderValue].self, from: data.subdata(in: 8..<start)) } catch {
            throw GenerateError.badHeader(file: path, reason: "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in root {
            if name == "__metadata__" {
                guard let dict = value.metadata else {
                    throw GenerateError.badHeader(file: path, reason: "__metadata__ is not an object of strings")
                }
                metadata = dict
                continue
            }
            entries[name] = try parseEntry(name, value, dataSize: dataSize, path: path)
        }
        // No overlap: sorted by start, each tensor ends before the next begins (empty ones aside).
        let ordered = entries.filter { !$0.value.range.isEmpty }.sorted {
            ($0.value.range.lowerBound, $0.key) < ($1.value.range.lowerBound, $1.key)
        }
        for (a, b) in zip(ordered, ordered.dropFirst()) where b.value.range.lowerBound < a.value.range.upperBound {
            throw GenerateError.badTensor(file: path, tensor: b.key,
                                          reason: "bytes \(b.value.range) overlap tensor '\(a.key)' at \(a.value.range)")
        }
        return (entries, metadata, start)
    }

    private static func parseEntry(_ name: String, _ value: RawHeaderValue, dataSize: Int, path: String) throws -> Entry {
        func fail(_ reason: String) -> GenerateError { .badTensor(file: path, tensor: name, reason: reason) }
        guard value.isObject else { throw fail("entry is not an object") }
        guard let dtypeName = value.dtype else { throw fail("no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw fail("dtype \(dtypeName) is not supported (F32, F16 or BF16)")
        }
        guard let shape = value.shape, shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape is not a list of sizes") }
        guard let offsets = value.offsets, offsets.count == 2, offsets.allSatisfy({ $0 >= 0 }) else {
            throw fail("data_offsets is not a pair of byte offsets")
        }
        let begin = offsets[0], end = offsets[1]
        guard begin <= end else { throw fail("data_offsets [\(begin), \(end)] run backwards") }
        guard end <= dataSize else {
            throw fail("data_offsets [\(begin), \(end)] run past the \(dataSize)-byte data section (truncated file?)")
        }
        var bytes = dtype.size
        for n in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail("shape \(shape) is too large") }
            bytes = product
        }
        guard bytes == end - begin else {
            throw fail("shape \(shape) of \(dtypeName) needs \(bytes) bytes, data_offsets give \(end - begin)")
        }
        return Entry(dtype: dtype, shape: shape, range: begin..<end)
    }

    /// IEEE half to single, subnormals, infinities and NaN included.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24  // subnormal (or zero)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}

/// One value of the header object, read leniently so that each problem gets its own message.
private struct RawHeaderValue: Decodable {
    var isObject = false
    var dtype: String?
    var shape: [Int]?
    var offsets: [Int]?
    var metadata: [String: String]?

    private enum Key: String, CodingKey { case dtype, shape, data_offsets }

    init(from decoder: Decoder) throws {
        guard let c = try? decoder.container(keyedBy: Key.self) else { return }
        isObject = true
        dtype = try? c.decode(String.self, forKey: .dtype)
        shape = try? c.decode([Int].self, forKey: .shape)
        offsets = try? c.decode([Int].self, forKey: .data_offsets)
        metadata = try? decoder.singleValueContainer().decode([String: String].self)
    }
}
