import CBLAS
import Foundation
import Geometry
import Media
import Reporting

/// One object image in, the views of an orbit around it out: the public face of Generate.
///
/// Angles are relative to the input view, in degrees: azimuth 0 looks from the input camera's
/// side, positive azimuths turn the camera the way Geometry's OrbitPath does (from +z toward +x);
/// `elevation` is how far above the input camera the generated views sit. The training renders
/// put the orbit at `config.orbitElevation` (20°) and the input camera between 0° and 40°, so pass
/// orbitElevation − (the input's elevation), or 0 when it is unknown.
public struct OrbitGenerator: Sendable {
    public let model: DiTModel
    /// Applied to every sampled clip when present (Tools/dit/refiner.py).
    public let refiner: OrbitRefiner?

    public init(model: DiTModel) {
        self.model = model
        refiner = nil
    }

    /// The refiner must work on the model's channels and view size.
    public init(model: DiTModel, refiner: OrbitRefiner?) throws {
        if let r = refiner?.config {
            guard r.channels == model.config.channels else {
                throw GenerateError.badConfig(file: OrbitRefiner.configName, field: "channels",
                                              reason: "\(r.channels), the orbit model makes \(model.config.channels)")
            }
            guard r.resolution == model.config.resolution else {
                throw GenerateError.badConfig(file: OrbitRefiner.configName, field: "resolution",
                                              reason: "\(r.resolution), the orbit model makes \(model.config.resolution) px views")
            }
        }
        self.model = model
        self.refiner = refiner
    }

    public init(weights: URL, config: URL) throws {
        model = try DiTModel(weights: weights, config: config)
        refiner = nil
    }

    /// The model in `weights`' folder, with its refiner when the folder holds one.
    public init(weights: OrbitWeights) throws {
        try self.init(model: try DiTModel(weights: weights.weights, config: weights.config), refiner: try weights.refiner())
    }

    /// `body` of every noise clip, in order. Several run side by side, one per core, each with
    /// single-threaded BLAS: a clip's matrix products are small (a few hundred rows), so cores
    /// split between samples waste nothing, where OpenBLAS's threads spend a quarter of their time
    /// handing off. The results do not depend on the split.
    static func each(_ noises: [[Float]], _ body: ([Float]) throws -> [Float]) throws -> [[Float]] {
        let workers = min(Parallel.workers, noises.count)
        guard workers > 1 else { return try noises.map(body) }
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(blasThreads) }
        let results = SampleSlots(count: noises.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: noises.count, by: workers) {
                results.set(k, Result { try body(noises[k]) })
            }
        }
        return try results.values()
    }

    /// The cameras the generated views are seen from (OpenCV, world-to-camera), object at the
    /// origin, up +y, azimuth 0 on +z where the input camera sits: the rig of the training renders.
    public func cameras(azimuths: [Double]) -> [Camera] {
        let c = model.config
        let orbit = OrbitPath(count: azimuths.count, radius: c.cameraRadius, elevationDegrees: c.orbitElevation,
                              fieldOfViewYDegrees: c.cameraFieldOfView, width: c.resolution, height: c.resolution)
        return azimuths.map { orbit.camera(azimuthDegrees: $0) }
    }

    /// `azimuths.count` must equal the model's view count. `steps` and `guidance` default to the
    /// config's; the starting-noise scale, the readout time and the number of samples averaged are
    /// the config's. Views come back at the model's resolution, RGBA for an RGBA model, refined
    /// when there is a refiner.
    public func generate(image: Image, azimuths: [Double], elevation: Double, steps: Int? = nil,
                         guidance: Double? = nil, seed: UInt64, progress sink: ProgressSink? = nil) throws -> [Image] {
        let sampler = FlowSampler(model: model)
        let noises = (0..<model.config.samples).map { sampler.noise(seed: Self.sampleSeed(seed, $0)) }
        return try generate(image: image, azimuths: azimuths, elevation: elevation, noises: noises,
                            steps: steps, guidance: guidance, progress: sink)
    }

    /// The noise seed of sample k of a clip asked for with `seed`: the seed itself for the first,
    /// so that one sample gives what it always gave.
    static func sampleSeed(_ seed: UInt64, _ k: Int) -> UInt64 {
        seed &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15
    }

    /// As above from given noise ([views, channels, resolution, resolution] standard normals).
    public func generate(image: Image, azimuths: [Double], elevation: Double, noise: [Float], steps: Int? = nil,
                         guidance: Double? = nil, progress sink: ProgressSink? = nil) throws -> [Image] {
        try generate(image: image, azimuths: azimuths, elevation: elevation, noises: [noise], steps: steps,
                     guidance: guidance, progress: sink)
    }

    /// As above, one sample from each noise, averaged (the config's `samples` is not used here).
    public func generate(image: Image, azimuths: [Double], elevation: Double, noises: [[Float]], steps: Int? = nil,
                         guidance: Double? = nil, progress sink: ProgressSink? = nil) throws -> [Image] {
        let c = model.config
        guard !noises.isEmpty else {
            throw GenerateError.invalidArgument(name: "noises", reason: "at least one noise clip is needed")
        }
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
        let progress = sink.map {
            Reporting.Progress(stage: "generate", total: stepCount * noises.count, unit: "steps", sink: $0)
        }
        let sampler = FlowSampler(model: model)
        let samples = try Self.each(noises) { noise in
            try sampler.sample(noise: noise, image: input, cameras: cameras, steps: stepCount,
                               guidance: guidance ?? c.guidance, noiseScale: c.noiseScale,
                               readoutTime: c.readoutTime, progress: progress)
        }
        var clip = samples[0]
        for sample in samples.dropFirst() { for i in clip.indices { clip[i] += sample[i] } }
        if noises.count > 1 {
            let scale = 1 / Float(noises.count)
            for i in clip.indices { clip[i] *= scale }
        }
        progress?.finish()
        let views = try refiner?.refine(clip: clip, image: input, cameras: cameras, views: c.views, resolution: c.resolution) ?? clip
        return ImageTensor.images(from: views, views: c.views, channels: c.channels, resolution: c.resolution)
    }
}

/// One slot per sample, each written by exactly one worker of OrbitGenerator.each.
private final class SampleSlots: @unchecked Sendable {
    private var slots: [Result<[Float], Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ value: Result<[Float], Error>) { lock.withLock { slots[k] = value } }

    /// The results in order; the first error (by sample) if any sample failed.
    func values() throws -> [[Float]] { try lock.withLock { slots }.map { try $0!.get() } }
}
