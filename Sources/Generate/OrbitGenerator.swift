import Foundation
import Geometry
import Media
import Reporting

/// One object image in, the views of an orbit around it out: the public face of Generate.
///
/// Angles are relative to the input view, in degrees: azimuth 0 looks from the input camera's
/// side, positive azimuths turn the camera the way Geometry's OrbitPath does (from +z toward +x);
/// `elevation` is how far above the input camera the generated views sit (the training renders
/// put the orbit at 20° and the input between 0° and 40°, so 20 − input elevation).
public struct OrbitGenerator: Sendable {
    public let model: DiTModel

    public init(model: DiTModel) { self.model = model }

    public init(weights: URL, config: URL) throws {
        model = try DiTModel(weights: weights, config: config)
    }

    /// `azimuths.count` must equal the model's view count. `steps` and `guidance` default to the
    /// config's. Views come back at the model's resolution, RGBA for an RGBA model.
    public func generate(image: Image, azimuths: [Double], elevation: Double, steps: Int? = nil,
                         guidance: Double? = nil, seed: UInt64, progress sink: ProgressSink? = nil) throws -> [Image] {
        let sampler = FlowSampler(model: model)
        return try generate(image: image, azimuths: azimuths, elevation: elevation, noise: sampler.noise(seed: seed),
                            steps: steps, guidance: guidance, progress: sink)
    }

    /// As above from given noise ([views, channels, resolution, resolution] standard normals).
    public func generate(image: Image, azimuths: [Double], elevation: Double, noise: [Float], steps: Int? = nil,
                         guidance: Double? = nil, progress sink: ProgressSink? = nil) throws -> [Image] {
        let c = model.config
        guard azimuths.count == c.views else {
            throw GenerateError.invalidArgument(name: "azimuths", reason: "\(azimuths.count) views asked, the model makes \(c.views)")
        }
        guard azimuths.allSatisfy(\.isFinite), elevation.isFinite else {
            throw GenerateError.invalidArgument(name: "azimuths", reason: "angles must be finite")
        }
        guard image.width > 0, image.height > 0 else {
            throw GenerateError.invalidArgument(name: "image", reason: "empty image")
        }
        let stepCount = steps ?? c.steps
        let cameras = CameraConditioning.features(relativeAzimuths: azimuths,
                                                  relativeElevations: Array(repeating: elevation, count: azimuths.count))
        let input = ImageTensor.tensor(from: image, channels: c.channels, resolution: c.resolution)
        let progress = sink.map { Reporting.Progress(stage: "generate", total: stepCount, unit: "steps", sink: $0) }
        let clip = try FlowSampler(model: model).sample(noise: noise, image: input, cameras: cameras, steps: stepCount,
                                                        guidance: guidance ?? c.guidance, progress: progress)
        progress?.finish()
        return ImageTensor.images(from: clip, views: c.views, channels: c.channels, resolution: c.resolution)
    }
}
