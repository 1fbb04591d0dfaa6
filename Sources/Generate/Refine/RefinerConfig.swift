import Foundation

/// Sizes of the orbit refiner, read from the `refiner.json` that Tools/dit/refiner.py writes beside
/// `refiner.safetensors`. Same fields and checks as `RefinerConfig` in refiner.py.
public struct RefinerConfig: Equatable, Sendable {
    public static let format = "vid2world-orbit-refiner"

    /// The views' channels (the DiT's: 3 RGB or 4 RGBA).
    public var channels = 4
    public var cameraFeatures = 4
    /// Channels of the hidden convolutions.
    public var width = 32
    /// 3×3 convolutions in all (the last one outputs `channels`).
    public var layers = 6
    /// The view size it was trained on; must be the DiT's.
    public var resolution = 32
    /// Per layer (padding = dilation); nil: all 1.
    public var dilations: [Int]? = nil
    /// The residual's scale at inference (1: as trained; below 1: between the sample and the
    /// refined view).
    public var strength = 1.0

    public init() {}

    /// Per view: the generated view, the input image and the camera features.
    public var inputChannels: Int { 2 * channels + cameraFeatures }

    public func dilation(layer: Int) -> Int { dilations?[layer] ?? 1 }

    /// Reads and validates `refiner.json`; its `format` must name the refiner (a DiT config.json
    /// given by mistake is refused by name).
    public init(url: URL) throws {
        let file = try ConfigFile(url: url)
        let path = file.path, fields = file.fields
        guard case let .string(format)? = fields["format"], format == Self.format else {
            throw GenerateError.badConfig(file: path, field: "format", reason: "expected \"\(Self.format)\" (not a refiner config)")
        }
        func int(_ key: String) throws -> Int? { try file.int(key) }
        self.init()
        channels = try int("channels") ?? channels
        cameraFeatures = try int("camera_features") ?? cameraFeatures
        width = try int("width") ?? width
        layers = try int("layers") ?? layers
        resolution = try int("resolution") ?? resolution
        strength = try file.double("strength") ?? strength
        if let value = fields["dilations"] {
            guard case let .list(list) = value, list.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) else {
                throw GenerateError.badConfig(file: path, field: "dilations", reason: "expected a list of integers")
            }
            dilations = list.map { Int($0) }
        }
        try validate(file: path)
    }

    /// Names the first field that cannot describe a refiner.
    public func validate(file: String = "refiner config") throws {
        func need(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw GenerateError.badConfig(file: file, field: field, reason: reason) }
        }
        try need(channels == 3 || channels == 4, "channels", "must be 3 or 4")
        try need(cameraFeatures == 4, "camera_features", "must be 4 (sin/cos of relative azimuth and elevation)")
        try need(width > 0 && width <= 4096, "width", "must be between 1 and 4096")
        try need(layers >= 2 && layers <= 256, "layers", "must be between 2 and 256")
        try need(resolution > 0 && resolution <= 4096, "resolution", "must be between 1 and 4096")
        try need(strength >= 0 && strength <= 4, "strength", "must be in [0, 4]")
        if let dilations {
            try need(dilations.count == layers && dilations.allSatisfy { $0 >= 1 && $0 <= 4096 }, "dilations",
                     "must hold \(layers) integers (one per layer) between 1 and 4096")
        }
    }
}
