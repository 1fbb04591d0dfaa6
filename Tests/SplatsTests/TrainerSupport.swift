import Foundation
import Geometry
@testable import Splats

/// A small scene to train on: random splats around the origin seen by cameras on an orbit,
/// rendered into 8-bit RGBA views (coverage in alpha, as Render writes transparent backgrounds).
enum TrainerScene {
    /// The trainer tests' scene: 30 splats seen by 6 orbit cameras at 32 × 32.
    static func small() throws -> [TrainingView] {
        var rng = SeededGenerator(seed: 5)
        return try views(of: truth(count: 30, rng: &rng), cameras: cameras(count: 6, size: 32))
    }

    static func cameras(count: Int, size: Int) throws -> [SplatCamera] {
        let orbit = OrbitPath(count: count, radius: 4, elevationDegrees: 20, fieldOfViewYDegrees: 40, width: size, height: size)
        return try orbit.cameras().map { try SplatCamera($0) }
    }

    static func truth(count: Int, rng: inout SeededGenerator) -> GaussianCloud {
        var c = GaussianCloud(count: count, shDegree: 1)
        for i in 0..<count {
            for a in 0..<3 {
                c.means[3 * i + a] = rng.uniform(-0.7, 0.7)
                c.logScales[3 * i + a] = log(rng.uniform(0.06, 0.2))
                c.sh[c.shCoefficients * 3 * i + a] = rng.uniform(-1.2, 1.2)
            }
            for a in 0..<4 { c.rotations[4 * i + a] = rng.normal(1) }
            c.opacityLogits[i] = rng.uniform(0, 3)
        }
        return c
    }

    static func views(of cloud: GaussianCloud, cameras: [SplatCamera]) throws -> [TrainingView] {
        let rasterizer = SplatRasterizer(threadCount: 2, background: [0, 0, 0])
        return try cameras.enumerated().map { k, camera in
            let image = try rasterizer.render(cloud, camera: camera)
            var bytes = [UInt8](repeating: 0, count: 4 * camera.width * camera.height)
            for p in 0..<(camera.width * camera.height) {
                let alpha = image.alpha[p]
                for c in 0..<3 {
                    // Un-premultiply: the render over black is colour × alpha.
                    let colour = alpha > 1e-4 ? image.color[3 * p + c] / alpha : 0
                    bytes[4 * p + c] = UInt8(min(max(colour, 0), 1) * 255 + 0.5)
                }
                bytes[4 * p + 3] = UInt8(min(max(alpha, 0), 1) * 255 + 0.5)
            }
            return TrainingView(name: "view\(k)", camera: camera, pixels: bytes, channels: 4)
        }
    }
}
