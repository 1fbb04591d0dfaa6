import Foundation

/// Sizes of a DiT, read from the `config.json` that Tools/dit/export.py writes beside the weights.
/// Same fields and defaults as `DiTConfig` in Tools/dit/model.py.
public struct DiTConfig: Equatable, Sendable {
    public enum Attention: String, Sendable {
        /// Every token attends to every token of the clip.
        case full
        /// Even blocks attend within a view, odd blocks across views at one patch position.
        case factorised
    }

    /// What the network outputs; the sampler always gets a velocity from `DiTModel.velocity`.
    public enum Prediction: String, Sendable {
        /// v = ε − x₀ directly.
        case velocity
        /// The clean views x₀, turned into v = (x_t − x₀) / max(t, 0.05).
        case x0
    }

    /// Views are resolution × resolution pixels.
    public var resolution = 32
    /// 3 (RGB) or 4 (RGBA, alpha the silhouette).
    public var channels = 4
    public var patch = 4
    /// Target views per clip.
    public var views = 8
    /// Token width.
    public var width = 128
    public var depth = 4
    public var heads = 4
    public var mlpRatio = 4.0
    public var attention = Attention.factorised
    public var prediction = Prediction.velocity
    public var cameraFeatures = 4
    /// Sinusoidal timestep features before the time MLP.
    public var frequencyDim = 256
    /// Default classifier-free guidance scale.
    public var guidance = 2.0
    /// Default number of Euler steps.
    public var steps = 25
    /// The sampler starts from noiseScale · ε: a temperature below 1 trades variety for fewer
    /// sharp wrong guesses (1: the plain sampler).
    public var noiseScale = 1.0
    /// The sampler integrates from t = 1 down to this time, then returns the model's clean-view
    /// estimate there, x − t·v (0: integrate to the end).
    public var readoutTime = 0.0
    /// Clips sampled from independent noise and averaged into the one returned: an estimate of
    /// the views' posterior mean, which trades the single sample's sharp wrong guesses for a
    /// little blur (1: one sample).
    public var samples = 1
    /// The camera rig of the training renders: the generated views are seen from this distance
    /// (scene units, object in the unit sphere), with this vertical field of view (degrees), on
    /// an orbit at this elevation (degrees).
    public var cameraRadius = 3.2
    public var cameraFieldOfView = 40.0
    public var orbitElevation = 20.0

    public init() {}

    public var grid: Int { resolution / patch }
    public var tokensPerView: Int { grid * grid }
    public var patchLength: Int { patch * patch * channels }
    public var hidden: Int { Int(Double(width) * mlpRatio) }
    public var headWidth: Int { width / heads }

    /// Reads and validates `config.json`.
    public init(url: URL) throws {
        let file = try ConfigFile(url: url)
        let path = file.path, fields = file.fields
        func int(_ key: String) throws -> Int? { try file.int(key) }
        func double(_ key: String) throws -> Double? { try file.double(key) }
        self.init()
        resolution = try int("resolution") ?? resolution
        channels = try int("channels") ?? channels
        patch = try int("patch") ?? patch
        views = try int("views") ?? views
        width = try int("width") ?? width
        depth = try int("depth") ?? depth
        heads = try int("heads") ?? heads
        mlpRatio = try double("mlp_ratio") ?? mlpRatio
        cameraFeatures = try int("camera_features") ?? cameraFeatures
        frequencyDim = try int("frequency_dim") ?? frequencyDim
        guidance = try double("guidance") ?? guidance
        steps = try int("steps") ?? steps
        noiseScale = try double("noise_scale") ?? noiseScale
        readoutTime = try double("readout_t") ?? readoutTime
        samples = try int("samples") ?? samples
        cameraRadius = try double("camera_radius") ?? cameraRadius
        cameraFieldOfView = try double("camera_fov") ?? cameraFieldOfView
        orbitElevation = try double("orbit_elevation") ?? orbitElevation
        if let value = fields["attention"] {
            guard case let .string(s) = value, let a = Attention(rawValue: s) else {
                throw GenerateError.badConfig(file: path, field: "attention", reason: "expected \"full\" or \"factorised\"")
            }
            attention = a
        }
        if let value = fields["prediction"] {
            guard case let .string(s) = value, let p = Prediction(rawValue: s) else {
                throw GenerateError.badConfig(file: path, field: "prediction", reason: "expected \"velocity\" or \"x0\"")
            }
            prediction = p
        }
        try validate(file: path)
    }

    /// Names the first field that cannot describe a model.
    public func validate(file: String = "config") throws {
        func need(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw GenerateError.badConfig(file: file, field: field, reason: reason) }
        }
        try need(patch > 0, "patch", "must be positive")
        try need(resolution > 0 && resolution % patch == 0, "resolution", "must be a positive multiple of patch (\(patch))")
        try need(resolution <= 4096, "resolution", "must be at most 4096")
        try need(channels == 3 || channels == 4, "channels", "must be 3 or 4")
        try need(views >= 1 && views <= 1024, "views", "must be between 1 and 1024")
        try need(width > 0 && width % 16 == 0 && width <= 65536, "width", "must be a positive multiple of 16")
        try need(heads > 0 && width % heads == 0, "heads", "must divide width (\(width))")
        try need(depth >= 1 && depth <= 1024, "depth", "must be between 1 and 1024")
        try need(mlpRatio > 0 && hidden > 0 && mlpRatio <= 64, "mlp_ratio", "must give a positive hidden size")
        try need(cameraFeatures == 4, "camera_features", "must be 4 (sin/cos of relative azimuth and elevation)")
        try need(frequencyDim > 0 && frequencyDim % 2 == 0 && frequencyDim <= 65536, "frequency_dim", "must be positive and even")
        try need(guidance.isFinite, "guidance", "must be finite")
        try need(steps >= 1, "steps", "must be at least 1")
        try need(noiseScale > 0, "noise_scale", "must be positive")
        try need(readoutTime >= 0 && readoutTime < 1, "readout_t", "must be in [0, 1)")
        try need(samples >= 1 && samples <= 256, "samples", "must be between 1 and 256")
        try need(cameraRadius > 0, "camera_radius", "must be positive")
        try need(cameraFieldOfView > 0 && cameraFieldOfView < 180, "camera_fov", "must be between 0 and 180 degrees")
        try need(orbitElevation > -90 && orbitElevation < 90, "orbit_elevation", "must be between -90 and 90 degrees")
    }
}
