/// Everything in Geometry that can fail because of its input.
public enum GeometryError: Error, CustomStringConvertible, Equatable {
    case tooFewPoints(count: Int, needed: Int)
    case mismatchedCounts(source: Int, target: Int)
    case degeneratePoints(reason: String)
    case nonFinite(what: String)
    case fileNotFound(file: String)
    case unreadable(file: String, reason: String)
    case notJSON(file: String, reason: String)
    case missingKey(file: String, key: String)
    case wrongType(file: String, key: String, expected: String)
    case invalidValue(file: String, key: String, reason: String)
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .tooFewPoints(count, needed):
            return "need at least \(needed) point correspondences, got \(count)"
        case let .mismatchedCounts(source, target):
            return "point sets differ in size: \(source) source vs \(target) target points"
        case let .degeneratePoints(reason):
            return "degenerate point set: \(reason)"
        case let .nonFinite(what):
            return "\(what) contain a non-finite value"
        case let .fileNotFound(file):
            return "\(file): file not found"
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .notJSON(file, reason):
            return "\(file): not valid JSON: \(reason)"
        case let .missingKey(file, key):
            return "\(file): missing key '\(key)'"
        case let .wrongType(file, key, expected):
            return "\(file): key '\(key)' has the wrong type, expected \(expected)"
        case let .invalidValue(file, key, reason):
            return "\(file): key '\(key)': \(reason)"
        case let .writeFailed(file, reason):
            return "\(file): cannot write: \(reason)"
        }
    }
}
