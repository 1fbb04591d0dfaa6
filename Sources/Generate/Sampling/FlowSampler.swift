import CTensor
import Geometry
import Reporting

/// Euler integration of the rectified flow dx/dt = v(x, t) from t = 1 (noise) down to t = r on the
/// grid t_i = 1 − (i / steps)(1 − r), with classifier-free guidance v_u + g (v_c − v_u) (g = 1: none),
/// from noiseScale · noise; when the readout time r > 0, one more call reads out the clean views
/// there, x − r·v (an Euler step straight to t = 0). noiseScale 1 and r = 0 are the plain sampler.
/// It knows nothing of the network but `velocity`.
public struct FlowSampler {
    public let model: DiTModel

    public init(model: DiTModel) { self.model = model }

    /// Standard normal noise for one clip, [views, channels, resolution, resolution], from `seed`.
    public func noise(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<model.clipCount).map { _ in Float(generator.nextGaussian()) }
    }

    /// The clean clip (values about [-1, 1]) reached from `noise`.
    public func sample(noise: [Float], image: [Float], cameras: [Float], steps: Int, guidance: Double,
                       noiseScale: Double = 1, readoutTime: Double = 0,
                       progress: Reporting.Progress? = nil) throws -> [Float] {
        guard steps >= 1 else { throw GenerateError.invalidArgument(name: "steps", reason: "must be at least 1, got \(steps)") }
        guard guidance.isFinite else { throw GenerateError.invalidArgument(name: "guidance", reason: "must be finite") }
        guard noiseScale > 0, noiseScale.isFinite else {
            throw GenerateError.invalidArgument(name: "noiseScale", reason: "must be positive, got \(noiseScale)")
        }
        guard readoutTime >= 0, readoutTime < 1 else {
            throw GenerateError.invalidArgument(name: "readoutTime", reason: "must be in [0, 1), got \(readoutTime)")
        }
        let g = Float(guidance)
        func velocity(_ x: [Float], _ t: Double) throws -> [Float] {
            let conditional = try model.velocity(noisy: x, t: Float(t), image: image, cameras: cameras)
            guard guidance != 1 else { return conditional }
            let unconditional = try model.velocity(noisy: x, t: Float(t), image: image, cameras: cameras, dropInput: true)
            var guided = conditional
            guided.withUnsafeMutableBufferPointer { out in
                v2w_guidance(unconditional, conditional, g, out.baseAddress, out.count)
            }
            return guided
        }
        var x = noise
        if noiseScale != 1 {
            let s = Float(noiseScale)
            for i in x.indices { x[i] *= s }
        }
        let span = 1 - readoutTime
        for i in 0..<steps {
            try Cancellation.check()
            let t = 1 - Double(i) * span / Double(steps), next = 1 - Double(i + 1) * span / Double(steps)
            let v = try velocity(x, t)
            x.withUnsafeMutableBufferPointer { v2w_axpy($0.baseAddress, v, Float(next - t), $0.count) }
            progress?.advance()
        }
        if readoutTime > 0 {
            try Cancellation.check()
            let v = try velocity(x, readoutTime)
            x.withUnsafeMutableBufferPointer { v2w_axpy($0.baseAddress, v, Float(-readoutTime), $0.count) }
        }
        return x
    }
}
