/// Everything in Generate that can fail because of its input; each case names the file (and the
/// tensor or field) and the reason.
public enum GenerateError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(file: String)
    case unreadable(file: String, reason: String)
    /// The safetensors header itself is wrong (length, JSON, layout).
    case badHeader(file: String, reason: String)
    /// One tensor's entry is wrong (dtype, shape, offsets, overlap).
    case badTensor(file: String, tensor: String, reason: String)
    case missingTensor(file: String, tensor: String)
    case badConfig(file: String, field: String, reason: String)
    case invalidArgument(name: String, reason: String)
    /// No folder with `model.safetensors` and `config.json` was found; each entry says where and why.
    case weightsNotFound(searched: [String])

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): file not found"
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .badHeader(file, reason):
            return "\(file): not a valid safetensors file: \(reason)"
        case let .badTensor(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .missingTensor(file, tensor):
            return "\(file): tensor '\(tensor)' is missing"
        case let .badConfig(file, field, reason):
            return "\(file): config field '\(field)': \(reason)"
        case let .invalidArgument(name, reason):
            return "\(name): \(reason)"
        case let .weightsNotFound(searched):
            return "no orbit model found; looked in " + searched.joined(separator: "; ") +
                ". Pass --weights DIR (a folder with model.safetensors and config.json) or set \(OrbitWeights.environmentVariable)"
        }
    }
}
