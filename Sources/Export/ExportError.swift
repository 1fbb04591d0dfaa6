import Foundation

/// Errors of the Export module; each names the file and the problem.
public enum ExportError: Error, CustomStringConvertible, Equatable {
    case missingFile(String)
    case unreadable(String, reason: String)
    case badHeader(String, reason: String)
    case sizeMismatch(String, reason: String)
    case missingProperty(String, name: String)
    case writeFailed(String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): no such file"
        case .unreadable(let path, let reason): return "\(path): cannot read the file (\(reason))"
        case .badHeader(let path, let reason): return "\(path): not a readable PLY (\(reason))"
        case .sizeMismatch(let path, let reason): return "\(path): the file is truncated or corrupt (\(reason))"
        case .missingProperty(let path, let name): return "\(path): the PLY has no '\(name)' property"
        case .writeFailed(let path, let reason): return "\(path): cannot write the file (\(reason))"
        }
    }
}
