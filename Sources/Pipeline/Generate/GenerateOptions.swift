import Foundation

/// Settings of `vid2world generate` (and the generating half of `vid2world IMAGE --orbit`).
/// Angles in degrees.
public struct GenerateOptions: Equatable, Sendable {
    /// Views per orbit ring; a multiple of the model's clip length (each further clip of a ring
    /// fills the azimuths between the earlier ones). nil: one clip's views.
    public var views: Int? = nil
    /// Rings at different elevations (multi-view mode): ring k sits `elevationStep` × (1, -1, 2,
    /// -2, ...)[k - 1] above the model's orbit elevation; ring 0 on it.
    public var clips = 1
    public var elevationStep = 15.0
    /// Elevation of the input photo's camera; nil: the model's orbit elevation (unknown input).
    public var inputElevation: Double? = nil
    /// Sampler steps and guidance scale; nil: the model config's.
    public var steps: Int? = nil
    public var guidance: Double? = nil
    /// Seed of the sampler's noise (each clip draws its own from it).
    public var seed: UInt64 = 0
    /// Folder with model.safetensors and config.json; nil: the lookup of `OrbitWeights.locate`.
    public var weights: URL? = nil
    /// How much of the square input the object's longer side spans (see `ObjectFraming`).
    public var fill = 0.75
    public var cutout = CutoutOptions()
    /// `orbit.mp4`: the views upscaled to about this many pixels across, at this frame rate.
    public var videoSize = 256
    public var videoFPS = 8.0

    public init() {}

    public func validate() throws {
        if let views, views < 1 { throw PipelineError.invalidOption("--views", reason: "must be at least 1, got \(views)") }
        if !(1...9).contains(clips) { throw PipelineError.invalidOption("--clips", reason: "must be between 1 and 9, got \(clips)") }
        if !(elevationStep.isFinite && elevationStep > 0 && elevationStep <= 40) {
            throw PipelineError.invalidOption("--elevation-step", reason: "must be in (0, 40] degrees, got \(elevationStep)")
        }
        if let inputElevation, !(inputElevation > -90 && inputElevation < 90) {
            throw PipelineError.invalidOption("--input-elevation", reason: "must be between -90 and 90 degrees, got \(inputElevation)")
        }
        if let steps, steps < 1 { throw PipelineError.invalidOption("--steps", reason: "must be at least 1, got \(steps)") }
        if let guidance, !guidance.isFinite { throw PipelineError.invalidOption("--guidance", reason: "must be finite") }
        if !(fill > 0 && fill <= 1) { throw PipelineError.invalidOption("--fill", reason: "must be in (0, 1], got \(fill)") }
        if videoSize < 16 { throw PipelineError.invalidOption("videoSize", reason: "must be at least 16 pixels, got \(videoSize)") }
        if !(videoFPS > 0 && videoFPS <= 240) { throw PipelineError.invalidOption("videoFPS", reason: "must be in (0, 240], got \(videoFPS)") }
    }

    /// Elevation offsets of the rings from the model's orbit elevation: 0, +s, -s, +2s, -2s, ...
    public var ringOffsets: [Double] {
        (0..<clips).map { (k: Int) -> Double in
            let size = Double((k + 1) / 2) * elevationStep
            return k % 2 == 1 ? size : -size
        }
    }
}
