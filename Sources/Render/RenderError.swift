// Everything in Render that can fail because of its input.

public enum RenderError: Error, CustomStringConvertible, Equatable {
    /// A recipe is not valid YAML (line and column are 1-based when known).
    case unparsableRecipe(file: String, reason: String)
    /// A recipe field is wrong: `key` is a path such as `objects[2].texture.scale`.
    case invalidRecipe(file: String, key: String, reason: String)
    /// A file a recipe names (OBJ, PNG) is missing.
    case missingFile(file: String, key: String, path: String)
    /// An OBJ/MTL file could not be loaded.
    case meshLoadFailed(file: String, reason: String)
    /// A texture image could not be read.
    case textureLoadFailed(file: String, reason: String)
    /// Invalid renderer settings or camera (names the field).
    case invalidSetting(name: String, reason: String)
    /// Writing an output failed.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unparsableRecipe(file, reason):
            return "\(file): not a readable recipe: \(reason)"
        case let .invalidRecipe(file, key, reason):
            return "\(file): \(key): \(reason)"
        case let .missingFile(file, key, path):
            return "\(file): \(key): file not found: \(path)"
        case let .meshLoadFailed(file, reason):
            return "\(file): cannot load mesh: \(reason)"
        case let .textureLoadFailed(file, reason):
            return "\(file): cannot load texture: \(reason)"
        case let .invalidSetting(name, reason):
            return "render setting \(name): \(reason)"
        case let .writeFailed(file, reason):
            return "\(file): cannot write: \(reason)"
        }
    }
}
