import Foundation
import Geometry

/// Seeded random objects for training data: a body primitive with smaller primitives stuck to it,
/// each with its own colour or texture, the whole fitted into the unit sphere. The same seed gives
/// the same object on every machine.
public enum ProceduralObject {
    /// One object built from `seed`; `partCount` bounds how many primitives it has.
    public static func generate(seed: UInt64, partCount: ClosedRange<Int> = 2...6, textureResolution: Int = 128) -> SceneObject {
        var g = SeededGenerator(seed: seed)
        let count = partCount.lowerBound + g.nextInt(below: partCount.count)
        var parts: [ScenePart] = []
        let bodyRadius = g.nextDouble(in: 0.45, 0.7)
        for index in 0..<max(count, 1) {
            let primitive = randomPrimitive(&g)
            let material = randomMaterial(&g, seed: seed, index: index, resolution: textureResolution)
            var placement: ObjectTransform
            if index == 0 {
                placement = ObjectTransform(rotationDegrees: randomAngles(&g), scale: Vec3(repeating: bodyRadius))
            } else {
                // A smaller part centred near the body's surface, in a random direction.
                let direction = randomDirection(&g)
                let size = bodyRadius * g.nextDouble(in: 0.25, 0.6)
                let stretch = Vec3(g.nextDouble(in: 0.6, 1.6), g.nextDouble(in: 0.6, 1.6), g.nextDouble(in: 0.6, 1.6))
                placement = ObjectTransform(translation: direction * bodyRadius * g.nextDouble(in: 0.7, 1.05),
                                            rotationDegrees: randomAngles(&g), scale: size * stretch)
            }
            parts.append(ScenePart(mesh: primitive.mesh(), material: material, placement: placement.affine))
        }
        return SceneObject(name: "procedural-\(seed)", parts: fittedToUnitSphere(parts))
    }

    /// The object alone under the standard lighting, background transparent: ready to render
    /// from any camera (an orbit of radius ~3 with a 40° field of view frames it well).
    public static func scene(seed: UInt64, partCount: ClosedRange<Int> = 2...6) -> Scene {
        Scene(objects: [generate(seed: seed, partCount: partCount)], lighting: .standard, background: nil)
    }

    /// Unit-sized shapes; placements scale them.
    private static func randomPrimitive(_ g: inout SeededGenerator) -> Primitive {
        switch g.nextInt(below: 5) {
        case 0: return .sphere(radius: 1, segments: 32, rings: 16)
        case 1: return .box(size: Vec3(g.nextDouble(in: 1, 1.8), g.nextDouble(in: 1, 1.8), g.nextDouble(in: 1, 1.8)))
        case 2: return .cylinder(radius: 0.8, height: g.nextDouble(in: 1, 2.2), segments: 32)
        case 3: return .cone(radius: 0.9, height: g.nextDouble(in: 1.2, 2.2), segments: 32)
        default:
            return .torus(majorRadius: 0.8, minorRadius: g.nextDouble(in: 0.2, 0.4), segments: 32, sides: 16)
        }
    }

    private static func randomMaterial(_ g: inout SeededGenerator, seed: UInt64, index: Int, resolution: Int) -> Material {
        let first = randomColor(&g)
        let second = randomColor(&g)
        let scale = 2 + g.nextInt(below: 10)
        let texture: ProceduralTexture?
        switch g.nextInt(below: 4) {
        case 0: texture = .checker(scale: scale, colors: [first, second])
        case 1: texture = .stripes(scale: scale, angleDegrees: g.nextDouble(in: 0, 180), colors: [first, second])
        case 2: texture = .noise(scale: max(scale / 2, 2), seed: deriveSeed(seed, UInt64(index) &+ 0x5EED), colors: [first, second])
        default: texture = nil
        }
        return Material(color: texture == nil ? first : SIMD3(1, 1, 1), texture: texture?.texture(resolution: resolution))
    }

    /// Saturated-ish colours from hue, saturation and value.
    private static func randomColor(_ g: inout SeededGenerator) -> SIMD3<Float> {
        let h = g.nextDouble() * 6, s = g.nextDouble(in: 0.35, 0.95), v = g.nextDouble(in: 0.45, 1)
        let i = Int(h) % 6, f = h - Double(Int(h))
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        let rgb: (Double, Double, Double) = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
        return SIMD3(Float(rgb.0), Float(rgb.1), Float(rgb.2))
    }

    private static func randomAngles(_ g: inout SeededGenerator) -> Vec3 {
        Vec3(g.nextDouble(in: 0, 360), g.nextDouble(in: 0, 360), g.nextDouble(in: 0, 360))
    }

    private static func randomDirection(_ g: inout SeededGenerator) -> Vec3 {
        let v = Vec3(g.nextGaussian(), g.nextGaussian(), g.nextGaussian())
        return length(v) > 1e-9 ? normalize(v) : Vec3(0, 1, 0)
    }

    /// Recentres the parts on their bounding-box centre and scales them so every vertex lies
    /// within distance 1 of the origin.
    private static func fittedToUnitSphere(_ parts: [ScenePart]) -> [ScenePart] {
        var lo = Vec3(repeating: .infinity), hi = Vec3(repeating: -.infinity)
        var points: [Vec3] = []
        for part in parts {
            let m = part.mesh
            for v in 0..<m.vertexCount {
                let p = part.placement.apply(Vec3(Double(m.positions[3 * v]), Double(m.positions[3 * v + 1]),
                                                  Double(m.positions[3 * v + 2])))
                lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p); points.append(p)
            }
        }
        guard !points.isEmpty else { return parts }
        let centre = (lo + hi) / 2
        let radius = points.reduce(0) { max($0, length($1 - centre)) }
        let s = radius > 0 ? 1 / radius : 1
        let fit = Affine(linear: Mat3(diagonal: Vec3(repeating: s)), translation: -s * centre)
        return parts.map { ScenePart(mesh: $0.mesh, material: $0.material, placement: fit.composed(with: $0.placement)) }
    }
}

/// Independent seeds for separate uses of one user seed (SplitMix64 finaliser of seed ⊕ salt).
public func deriveSeed(_ seed: UInt64, _ salt: UInt64) -> UInt64 {
    var z = seed ^ (salt &* 0x9E37_79B9_7F4A_7C15)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
