import CTensor
import Foundation

/// The image-to-orbit diffusion transformer of Tools/dit/model.py, read from its exported weights
/// (`model.safetensors`) and sizes (`config.json`). It predicts the rectified-flow velocity of the
/// target views; the sampler (FlowSampler) integrates it.
public final class DiTModel: @unchecked Sendable {
    public let config: DiTConfig
    let targetEmbed: Linear
    let inputEmbed: Linear
    let nullInput: [Float]
    let timeMLP: MLPEmbedder
    let cameraMLP: MLPEmbedder
    let blocks: [DiTBlock]
    let finalAdaLN: Linear
    let finalLinear: Linear
    let positions: [Float]

    public convenience init(weights: URL, config configURL: URL) throws {
        let config = try DiTConfig(url: configURL)
        try self.init(weights: try SafeTensorsFile(url: weights), config: config, configName: configURL.path)
    }

    public init(weights file: SafeTensorsFile, config: DiTConfig, configName: String = "config") throws {
        try config.validate(file: configName)
        self.config = config
        let w = WeightSource(file)
        let d = config.width
        targetEmbed = try Linear(w, "target_embed", input: config.patchLength, output: d)
        inputEmbed = try Linear(w, "input_embed", input: config.patchLength, output: d)
        nullInput = try w.tensor("null_input", shape: [d])
        timeMLP = try MLPEmbedder(w, "time_mlp", input: config.frequencyDim, width: d)
        cameraMLP = try MLPEmbedder(w, "camera_mlp", input: config.cameraFeatures, width: d)
        blocks = try (0..<config.depth).map { i in
            let axis: Attention.Axis = config.attention == .full ? .full : (i % 2 == 0 ? .spatial : .temporal)
            return try DiTBlock(w, index: i, config: config, axis: axis)
        }
        finalAdaLN = try Linear(w, "final.adaLN.1", input: d, output: 2 * d)
        finalLinear = try Linear(w, "final.linear", input: d, output: config.patchLength)
        try w.checkAllUsed(configFile: configName)
        positions = Embeddings.positions(width: d, views: config.views, grid: config.grid)
    }

    /// Floats in one clip of target views, [views, channels, resolution, resolution].
    public var clipCount: Int { config.views * config.channels * config.resolution * config.resolution }
    /// Floats in the input image, [channels, resolution, resolution].
    public var imageCount: Int { config.channels * config.resolution * config.resolution }

    /// Times below this count as this in x0-prediction's v = (x_t − x₀) / t (as in model.py).
    static let minimumTime: Float = 0.05

    /// The velocity for noisy target views `noisy` at time `t` (1 = pure noise, 0 = clean), given
    /// the clean input `image` (values in [-1, 1]) and the per-view `cameras` features [views, 4];
    /// `dropInput` replaces the image by the learned null token (the unconditional branch of CFG).
    public func velocity(noisy: [Float], t: Float, image: [Float], cameras: [Float], dropInput: Bool = false) throws -> [Float] {
        var out = try network(noisy: noisy, t: t, image: image, cameras: cameras, dropInput: dropInput)
        if config.prediction == .x0 {
            let time = max(t, Self.minimumTime)
            for i in out.indices { out[i] = (noisy[i] - out[i]) / time }
        }
        return out
    }

    /// What the network itself outputs: the velocity, or the clean views (config.prediction).
    func network(noisy: [Float], t: Float, image: [Float], cameras: [Float], dropInput: Bool) throws -> [Float] {
        let c = config, d = c.width, v = c.views, per = c.tokensPerView
        guard noisy.count == clipCount else {
            throw GenerateError.invalidArgument(name: "noisy", reason: "\(noisy.count) floats, the model takes \(clipCount)")
        }
        guard image.count == imageCount else {
            throw GenerateError.invalidArgument(name: "image", reason: "\(image.count) floats, the model takes \(imageCount)")
        }
        guard cameras.count == v * c.cameraFeatures else {
            throw GenerateError.invalidArgument(name: "cameras", reason: "\(cameras.count) floats, the model takes \(v * c.cameraFeatures)")
        }
        let frames = v + 1, rows = frames * per

        // Tokens: input view first (or the null token), then the target views with their cameras.
        var x = [Float](repeating: 0, count: rows * d)
        if dropInput {
            for r in 0..<per { x.replaceSubrange(r * d..<(r + 1) * d, with: nullInput) }
        } else {
            x.replaceSubrange(0..<per * d, with: inputEmbed(Embeddings.patchify(image, count: 1, config: c), rows: per))
        }
        let targets = targetEmbed(Embeddings.patchify(noisy, count: v, config: c), rows: v * per)
        let cameraTokens = cameraMLP(cameras, rows: v)
        x.withUnsafeMutableBufferPointer { xp in
            targets.withUnsafeBufferPointer { tp in
                (xp.baseAddress! + per * d).update(from: tp.baseAddress!, count: v * per * d)
            }
            cameraTokens.withUnsafeBufferPointer { cp in
                for view in 0..<v { v2w_add_row(xp.baseAddress! + (view + 1) * per * d, per, d, cp.baseAddress! + view * d) }
            }
            positions.withUnsafeBufferPointer { pp in
                v2w_axpy(xp.baseAddress, pp.baseAddress, 1, rows * d)
            }
        }

        // Conditioning: SiLU(time embedding), shared by every block's adaLN.
        var condition = timeMLP(Embeddings.timestep(t, dim: c.frequencyDim), rows: 1)
        Kernels.silu(&condition)
        for block in blocks { block.apply(&x, condition: condition, frames: frames, perFrame: per) }

        // Final layer on the target tokens only.
        let targetRows = Array(x[(per * d)...])
        let mod = finalAdaLN(condition, rows: 1)
        let h = mod.withUnsafeBufferPointer { m in
            Kernels.normModulate(targetRows, rows: v * per, dim: d, shift: m.baseAddress!, scale: m.baseAddress! + d)
        }
        return Embeddings.unpatchify(finalLinear(h, rows: v * per), count: v, config: c)
    }
}
