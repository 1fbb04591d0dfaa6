import Foundation

/// The parsed header of a PLY file: its format, and each element with its properties.
struct PLYHeader {
    enum Format: String { case ascii, binaryLittleEndian = "binary_little_endian", binaryBigEndian = "binary_big_endian" }

    struct Property {
        var name: String
        var type: ScalarType
    }

    struct Element {
        var name: String
        var count: Int
        var properties: [Property]
        /// Bytes per record in the binary formats; nil when a property is a list (variable size).
        var stride: Int? {
            properties.allSatisfy { $0.type != .list } ? properties.reduce(0) { $0 + $1.type.size } : nil
        }
    }

    enum ScalarType: Equatable {
        case int8, uint8, int16, uint16, int32, uint32, float32, float64, list

        init?(_ word: String) {
            switch word {
            case "char", "int8": self = .int8
            case "uchar", "uint8": self = .uint8
            case "short", "int16": self = .int16
            case "ushort", "uint16": self = .uint16
            case "int", "int32": self = .int32
            case "uint", "uint32": self = .uint32
            case "float", "float32": self = .float32
            case "double", "float64": self = .float64
            default: return nil
            }
        }

        var size: Int {
            switch self {
            case .int8, .uint8: return 1
            case .int16, .uint16: return 2
            case .int32, .uint32, .float32: return 4
            case .float64: return 8
            case .list: return 0
            }
        }
    }

    var format: Format
    var elements: [Element]
    /// Offset of the first body byte.
    var bodyOffset: Int

    /// Parses the ASCII header at the start of `data`.
    static func parse(_ data: Data, path: String) throws -> PLYHeader {
        let marker = Data("end_header".utf8)
        guard data.starts(with: Data("ply".utf8)) else { throw ExportError.badHeader(path, reason: "does not start with 'ply'") }
        let searchLimit = min(data.count, 1 << 20)
        guard let range = data.range(of: marker, in: data.startIndex..<(data.startIndex + searchLimit)) else {
            throw ExportError.badHeader(path, reason: "no 'end_header' line")
        }
        // The header ends with "end_header\n" ("\r\n" from some writers).
        var bodyOffset = range.upperBound - data.startIndex
        if bodyOffset < data.count, data[data.startIndex + bodyOffset] == 0x0D { bodyOffset += 1 }
        guard bodyOffset < data.count, data[data.startIndex + bodyOffset] == 0x0A else {
            throw ExportError.badHeader(path, reason: "'end_header' is not followed by a line break")
        }
        bodyOffset += 1
        guard let text = String(data: data[data.startIndex..<(data.startIndex + bodyOffset)], encoding: .ascii) else {
            throw ExportError.badHeader(path, reason: "header is not ASCII")
        }
        var format: Format?
        var elements: [Element] = []
        for (number, raw) in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).enumerated() {
            let words = raw.split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            switch keyword {
            case "ply", "comment", "obj_info", "end_header": continue
            case "format":
                guard words.count >= 2, let parsed = Format(rawValue: words[1]) else {
                    throw ExportError.badHeader(path, reason: "unknown format on header line \(number + 1)")
                }
                format = parsed
            case "element":
                guard words.count == 3, let count = Int(words[2]), count >= 0 else {
                    throw ExportError.badHeader(path, reason: "bad element line \(number + 1): '\(raw)'")
                }
                elements.append(Element(name: words[1], count: count, properties: []))
            case "property":
                guard !elements.isEmpty else { throw ExportError.badHeader(path, reason: "property before any element") }
                if words.count == 5, words[1] == "list" {
                    elements[elements.count - 1].properties.append(Property(name: words[4], type: .list))
                } else if words.count == 3, let type = ScalarType(words[1]) {
                    elements[elements.count - 1].properties.append(Property(name: words[2], type: type))
                } else {
                    throw ExportError.badHeader(path, reason: "bad property line \(number + 1): '\(raw)'")
                }
            default:
                throw ExportError.badHeader(path, reason: "unknown header keyword '\(keyword)'")
            }
        }
        guard let format else { throw ExportError.badHeader(path, reason: "no format line") }
        return PLYHeader(format: format, elements: elements, bodyOffset: bodyOffset)
    }
}
