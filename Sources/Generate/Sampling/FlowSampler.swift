import CTensor
import Geometry
import Reporting

/// Euler integration of the rectified flow dx/dt = v(x, t) from t = 1 (noise) to t = 0 on the
/// grid t_i = 1 − i / steps, with classifier-free guidance v_u + g (v_c − v_u) (g = 1: none).
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
                       progress: Reporting.Progress? = nil) throws -> [Float] {
        guard steps >= 1 else { throw GenerateError.invalidArgument(name: "steps", reason: "must be at least 1, got \(steps)") }
        guard guidance.isFinite else { throw GenerateError.invalidArgument(name: "guidance", reason: "must be finite") }
        var x = noise
        let g = Float(guidance)
        for i in 0..<steps {
            try Cancellation.check()
            let t = 1 - Double(i) / Double(steps), next = 1 - Double(i + 1) / Double(steps)
            let conditional = try model.velocity(noisy: x, t: Float(t), image: image, cameras: cameras)
            var velocity = conditional
            if guidance != 1 {
                let unconditional = try model.velocity(noisy: x, t: Float(t), image: image, cameras: cameras, dropInput: true)
                velocity.withUnsafeMutableBufferPointer { out in
                    v2w_guidance(unconditional, conditional, g, out.baseAddress, out.count)
                }
            }
            x.withUnsafeMutableBufferPointer { v2w_axpy($0.baseAddress, velocity, Float(next - t), $0.count) }
            progress?.advance()
        }
        return x
    }
}
