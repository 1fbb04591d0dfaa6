/// Everything in Estimate that can fail because of its input or options.
public enum EstimateError: Error, CustomStringConvertible, Equatable {
    /// An options field is out of range: `field` names it, `reason` says the allowed range.
    case invalidOption(field: String, reason: String)
    /// Two inputs that must have the same length do not.
    case mismatchedCounts(what: String, first: Int, second: Int)
    /// Fewer correspondences than the solver or estimator needs.
    case tooFewCorrespondences(what: String, count: Int, needed: Int)
    /// An input array holds NaN or infinity.
    case nonFinite(what: String)
    /// An image too small (or empty) for feature extraction.
    case imageTooSmall(width: Int, height: Int, minimum: Int)
    /// A descriptor buffer does not hold count × 128 floats.
    case malformedDescriptors(count: Int, floats: Int)
    /// The robust estimator found no model supported by enough inliers.
    case noModel(what: String, reason: String)
    /// A cached file could not be read or is not what it claims to be.
    case unreadableFile(path: String, reason: String)
    /// A file could not be written.
    case writeFailed(path: String, reason: String)
    /// Structure from motion could not build a model; `reason` says what was missing.
    case reconstructionFailed(stage: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(field, reason):
            return "option '\(field)': \(reason)"
        case let .mismatchedCounts(what, first, second):
            return "\(what): lengths differ (\(first) vs \(second))"
        case let .tooFewCorrespondences(what, count, needed):
            return "\(what): need at least \(needed) correspondences, got \(count)"
        case let .nonFinite(what):
            return "\(what) contain a non-finite value"
        case let .imageTooSmall(width, height, minimum):
            return "image \(width)×\(height) is too small for feature extraction (each side must be ≥ \(minimum) px)"
        case let .malformedDescriptors(count, floats):
            return "descriptor buffer holds \(floats) floats, expected \(count) × 128"
        case let .noModel(what, reason):
            return "\(what): no model found (\(reason))"
        case let .unreadableFile(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .writeFailed(path, reason):
            return "\(path): cannot write (\(reason))"
        case let .reconstructionFailed(stage, reason):
            return "reconstruction failed at \(stage): \(reason)"
        }
    }
}
