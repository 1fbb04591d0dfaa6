import Foundation

/// Errors of the jobs that wire the stages together; lower stages' errors pass through unchanged.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String, reason: String)
    case noFramesSelected(String, reason: String)
    /// A fit's input folder (or a file in it) that cannot be used.
    case badData(String, reason: String)
    /// An image the object cannot be cut out of.
    case noObjectFound(String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let option, let reason): return "\(option): \(reason)"
        case .noFramesSelected(let path, let reason): return "\(path): no frames were written (\(reason))"
        case .badData(let path, let reason): return "\(path): \(reason)"
        case .noObjectFound(let path, let reason): return "\(path): no object found (\(reason))"
        }
    }
}
