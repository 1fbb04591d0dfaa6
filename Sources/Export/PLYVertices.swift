import Foundation

/// The `vertex` element of any PLY (ASCII or binary, either byte order), decoded row by row as
/// floats in the header's property order. Shared by the splat reader and the point-cloud reader;
/// a file whose header disagrees with its size is refused before anything is allocated.
enum PLYVertices {
    /// Calls `prepare` with the vertex element once (after the size checks), then `store` for every row in file order.
    /// `noun` names a vertex in error messages ("splats", "points").
    static func read(_ url: URL, noun: String, prepare: (PLYHeader.Element) throws -> Void,
                     store: (_ index: Int, _ row: [Float]) -> Void) throws {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw ExportError.missingFile(path) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw ExportError.unreadable(path, reason: error.localizedDescription)
        }
        if data.isEmpty { throw ExportError.unreadable(path, reason: "the file is empty") }
        let header = try PLYHeader.parse(data, path: path)
        guard let vertexIndex = header.elements.firstIndex(where: { $0.name == "vertex" }) else {
            throw ExportError.badHeader(path, reason: "no 'vertex' element")
        }
        let vertex = header.elements[vertexIndex]
        switch header.format {
        case .ascii:
            try readASCII(data, header: header, vertexIndex: vertexIndex, noun: noun, path: path, prepare: prepare, store: store)
        case .binaryLittleEndian, .binaryBigEndian:
            guard vertexIndex == 0 || header.elements[..<vertexIndex].allSatisfy({ $0.stride != nil }) else {
                throw ExportError.badHeader(path, reason: "variable-size element before 'vertex'")
            }
            guard let stride = vertex.stride else { throw ExportError.badHeader(path, reason: "list property in 'vertex'") }
            let before = header.elements[..<vertexIndex].reduce(0) { $0 + $1.count * ($1.stride ?? 0) }
            let available = data.count - header.bodyOffset - before
            let (needed, overflow) = vertex.count.multipliedReportingOverflow(by: stride)
            guard !overflow, needed <= available else {
                throw ExportError.sizeMismatch(path, reason: "header promises \(vertex.count) \(noun) (\(needed) bytes) but the body holds \(max(0, available)) bytes")
            }
            let fixedAfter = header.elements[(vertexIndex + 1)...].allSatisfy { $0.stride != nil }
            let after = header.elements[(vertexIndex + 1)...].reduce(0) { $0 + $1.count * ($1.stride ?? 0) }
            if fixedAfter, needed + after != available {
                throw ExportError.sizeMismatch(path, reason: "header describes \(needed + after) body bytes, the file holds \(available)")
            }
            try prepare(vertex)
            decodeBinary(data, offset: header.bodyOffset + before, element: vertex,
                         bigEndian: header.format == .binaryBigEndian, store: store)
        }
    }

    private static func decodeBinary(_ data: Data, offset: Int, element: PLYHeader.Element, bigEndian: Bool,
                                     store: (Int, [Float]) -> Void) {
        var stride = 0
        var columnOffsets: [Int] = []
        for property in element.properties { columnOffsets.append(stride); stride += property.type.size }
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress!.advanced(by: offset)
            var row = [Float](repeating: 0, count: element.properties.count)
            for i in 0..<element.count {
                let record = base.advanced(by: i * stride)
                for (p, property) in element.properties.enumerated() {
                    row[p] = scalar(record.advanced(by: columnOffsets[p]), property.type, bigEndian: bigEndian)
                }
                store(i, row)
            }
        }
    }

    private static func readASCII(_ data: Data, header: PLYHeader, vertexIndex: Int, noun: String, path: String,
                                  prepare: (PLYHeader.Element) throws -> Void, store: (Int, [Float]) -> Void) throws {
        guard let text = String(data: data[(data.startIndex + header.bodyOffset)...], encoding: .ascii) else {
            throw ExportError.badHeader(path, reason: "ASCII body is not text")
        }
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })[...]
        for element in header.elements[..<vertexIndex] { lines = lines.dropFirst(element.count) }
        let vertex = header.elements[vertexIndex]
        guard lines.count >= vertex.count else {
            throw ExportError.sizeMismatch(path, reason: "header promises \(vertex.count) \(noun), the body has \(lines.count) lines")
        }
        try prepare(vertex)
        for (i, line) in lines.prefix(vertex.count).enumerated() {
            let values = line.split(separator: " ").compactMap { Float($0) }
            guard values.count == vertex.properties.count else {
                throw ExportError.sizeMismatch(path, reason: "line \(i + 1) of the body has \(values.count) values, expected \(vertex.properties.count)")
            }
            store(i, values)
        }
    }

    private static func scalar(_ p: UnsafeRawPointer, _ type: PLYHeader.ScalarType, bigEndian: Bool) -> Float {
        switch type {
        case .int8: return Float(p.loadUnaligned(as: Int8.self))
        case .uint8: return Float(p.loadUnaligned(as: UInt8.self))
        case .int16: let v = p.loadUnaligned(as: Int16.self); return Float(bigEndian ? v.byteSwapped : v)
        case .uint16: let v = p.loadUnaligned(as: UInt16.self); return Float(bigEndian ? v.byteSwapped : v)
        case .int32: let v = p.loadUnaligned(as: Int32.self); return Float(bigEndian ? v.byteSwapped : v)
        case .uint32: let v = p.loadUnaligned(as: UInt32.self); return Float(bigEndian ? v.byteSwapped : v)
        case .float32:
            let bits = p.loadUnaligned(as: UInt32.self)
            return Float(bitPattern: bigEndian ? bits.byteSwapped : bits)
        case .float64:
            let bits = p.loadUnaligned(as: UInt64.self)
            return Float(Double(bitPattern: bigEndian ? bits.byteSwapped : bits))
        case .list: return 0
        }
    }
}
