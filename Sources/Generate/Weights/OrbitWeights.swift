import Foundation

/// Where the image-to-orbit model's files are: a folder holding `model.safetensors` and
/// `config.json` (as Tools/dit/export.py writes them).
///
/// Found without `Bundle.module`, whose generated accessor stops the process when the resource
/// bundle is missing (Linux): an explicit folder wins, then the `VID2WORLD_WEIGHTS` variable, then
/// the resource bundle beside the executable, then the source tree this file was built from.
public struct OrbitWeights: Equatable, Sendable {
    public static let environmentVariable = "VID2WORLD_WEIGHTS"
    public static let weightsName = "model.safetensors"
    public static let configName = "config.json"

    public var folder: URL
    public var weights: URL { folder.appendingPathComponent(Self.weightsName) }
    public var config: URL { folder.appendingPathComponent(Self.configName) }

    public init(folder: URL) { self.folder = folder }

    /// The optional refiner beside the model (Tools/dit/refiner.py writes both files).
    public var refinerWeights: URL { folder.appendingPathComponent(OrbitRefiner.weightsName) }
    public var refinerConfig: URL { folder.appendingPathComponent(OrbitRefiner.configName) }

    /// The folder's refiner, nil when it has neither of its files; one without the other is an
    /// error (a half-copied folder should not silently lose its refiner).
    public func refiner() throws -> OrbitRefiner? {
        let present = [refinerWeights, refinerConfig].map { FileManager.default.fileExists(atPath: $0.path) }
        if present == [false, false] { return nil }
        if let missing = zip([refinerWeights, refinerConfig], present).first(where: { !$0.1 })?.0 {
            throw GenerateError.fileNotFound(file: missing.path + " (the refiner needs both \(OrbitRefiner.weightsName) and \(OrbitRefiner.configName))")
        }
        return try OrbitRefiner(weights: refinerWeights, config: refinerConfig)
    }

    /// The folder to use. An explicit folder or the environment variable is the only place
    /// looked at when given (a typo should not silently fall back to other weights).
    public static func locate(explicit: URL? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: URL? = executableURL()) throws -> OrbitWeights {
        let places: [(folder: URL, origin: String)]
        if let explicit {
            places = [(explicit, "--weights")]
        } else if let value = environment[environmentVariable], !value.isEmpty {
            places = [(URL(fileURLWithPath: value), environmentVariable)]
        } else {
            places = defaultPlaces(executable: executable)
        }
        var looked: [String] = []
        for (folder, origin) in places {
            let candidate = OrbitWeights(folder: folder.standardizedFileURL)
            let missing = [candidate.weights, candidate.config].filter { !FileManager.default.fileExists(atPath: $0.path) }
            if missing.isEmpty { return candidate }
            looked.append("\(candidate.folder.path) (\(origin): no \(missing.map(\.lastPathComponent).joined(separator: " or ")))")
        }
        throw GenerateError.weightsNotFound(searched: looked)
    }

    /// The shipped checkpoint: the resource bundle SwiftPM copies beside the executable, then the
    /// source tree (a development build run from elsewhere).
    public static func defaultPlaces(executable: URL?) -> [(folder: URL, origin: String)] {
        var places: [(URL, String)] = []
        if let executable {
            let folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            places.append((folder.appendingPathComponent("vid2world_Generate.resources/orbit-dit"), "beside the executable"))
            #if os(macOS)
            for inside in ["orbit-dit", "Contents/Resources/orbit-dit"] {
                places.append((folder.appendingPathComponent("vid2world_Generate.bundle/" + inside), "beside the executable"))
            }
            #endif
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        places.append((source.appendingPathComponent("Resources/orbit-dit"), "source tree"))
        return places
    }

    /// This process's executable (not argv[0], which may be relative or a name on PATH).
    public static func executableURL() -> URL? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        #endif
        return Bundle.main.executableURL
    }
}
