/// Errors of the Splats module.
public enum SplatsError: Error, CustomStringConvertible, Equatable {
    /// A buffer of the splat cloud has the wrong number of elements.
    case badCloud(field: String, reason: String)
    /// A camera that cannot be rendered (size, intrinsics, rotation).
    case badCamera(field: String, reason: String)
    /// An image or gradient buffer whose size does not fit the camera.
    case badImage(field: String, reason: String)
    /// Settings out of their range.
    case badOptions(field: String, reason: String)
    /// `backward` was called without a matching `render` before it.
    case noForwardPass(reason: String)

    public var description: String {
        switch self {
        case let .badCloud(field, reason): return "splat cloud, \(field): \(reason)"
        case let .badCamera(field, reason): return "splat camera, \(field): \(reason)"
        case let .badImage(field, reason): return "image, \(field): \(reason)"
        case let .badOptions(field, reason): return "options, \(field): \(reason)"
        case let .noForwardPass(reason): return "backward pass: \(reason)"
        }
    }
}
