import CRender
import Foundation
import Geometry

/// Textures made from a few numbers: checkerboards, stripes and seeded value noise.
/// All of them tile, so wrap-around sampling shows no seams.
public enum ProceduralTexture: Equatable, Sendable {
    /// `scale` squares along each side of the texture.
    case checker(scale: Int, colors: [SIMD3<Float>])
    /// `scale` stripe pairs across the texture, rotated by `angleDegrees` (0 = vertical stripes),
    /// the angle snapped so that the pattern still tiles.
    case stripes(scale: Int, angleDegrees: Double, colors: [SIMD3<Float>])
    /// Fractal value noise with `scale` lattice cells per side, blending the two colours.
    case noise(scale: Int, seed: UInt64, colors: [SIMD3<Float>])

    /// Renders the pattern into a square texture of `resolution` pixels per side.
    public func texture(resolution: Int) -> Texture {
        let n = max(resolution, 1)
        var pixels = [Float](repeating: 0, count: 3 * n * n)
        let values = weights(resolution: n)
        let (a, b) = endColors
        for k in 0..<(n * n) {
            let w = values[k]
            let c = a + (b - a) * w
            pixels[3 * k] = c.x; pixels[3 * k + 1] = c.y; pixels[3 * k + 2] = c.z
        }
        return Texture(width: n, height: n, pixels: pixels)
    }

    private var endColors: (SIMD3<Float>, SIMD3<Float>) {
        let colors: [SIMD3<Float>]
        switch self {
        case let .checker(_, c), let .stripes(_, _, c), let .noise(_, _, c): colors = c
        }
        let first = colors.first ?? SIMD3(1, 1, 1)
        let second = colors.count > 1 ? colors[1] : SIMD3(0, 0, 0)
        return (first, second)
    }

    /// Per pixel weight in [0, 1] of the second colour, row-major.
    private func weights(resolution n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n * n)
        switch self {
        case let .checker(scale, _):
            let s = max(scale, 1)
            for y in 0..<n { for x in 0..<n {
                let cx = (x * s) / n, cy = (y * s) / n
                out[y * n + x] = (cx + cy) % 2 == 0 ? 0 : 1
            } }
        case let .stripes(scale, angle, _):
            // Direction (p, q) with integer components keeps the pattern periodic on the unit square.
            let radians = angle * .pi / 180
            let s = Double(max(scale, 1))
            let p = (s * cos(radians)).rounded(), q = (s * sin(radians)).rounded()
            let (fp, fq) = (p == 0 && q == 0) ? (s, 0.0) : (p, q)
            for y in 0..<n { for x in 0..<n {
                let u = (Double(x) + 0.5) / Double(n), v = (Double(y) + 0.5) / Double(n)
                let phase = fp * u + fq * v
                out[y * n + x] = phase - phase.rounded(.down) < 0.5 ? 0 : 1
            } }
        case let .noise(scale, seed, _):
            out = ProceduralTexture.fractalNoise(resolution: n, cells: max(scale, 1), seed: seed)
        }
        return out
    }

    /// Three octaves of smoothly interpolated lattice noise, periodic on the texture, in [0, 1].
    static func fractalNoise(resolution n: Int, cells: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var total = [Double](repeating: 0, count: n * n)
        var amplitude = 1.0, amplitudeSum = 0.0
        for octave in 0..<3 {
            let c = cells << octave
            let lattice = (0..<(c * c)).map { _ in generator.nextDouble() }
            cr_noise_octave(lattice, Int32(c), Int32(n), amplitude, &total)
            amplitudeSum += amplitude
            amplitude *= 0.5
        }
        return total.map { Float($0 / amplitudeSum) }
    }
}
