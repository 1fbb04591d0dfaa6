import CSplat
import Foundation
import Geometry
@testable import Splats

/// Float helpers on the project's seeded generator (Geometry.SeededGenerator).
extension SeededGenerator {
    mutating func uniform(_ lo: Float, _ hi: Float) -> Float { Float(nextDouble(in: Double(lo), Double(hi))) }
    mutating func normal(_ sigma: Float) -> Float { sigma * Float(nextGaussian()) }
}

enum TestScene {
    /// Row-major rotation from a unit quaternion (w, x, y, z).
    static func rotation(_ q: [Float]) -> [Float] {
        let n = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).squareRoot()
        let w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n
        return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
    }

    /// A camera at a random small rotation that looks along +z at the scene around
    /// `center` = (0, 0, 4) in its own frame.
    static func camera(width: Int, height: Int, focal: Float, rng: inout SeededGenerator) -> SplatCamera {
        let r = rotation([1, rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1)])
        let t: [Float] = [rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)]
        return SplatCamera(rotation: r, translation: t, fx: focal, fy: focal * 1.05,
                           cx: Float(width) / 2 - 0.3, cy: Float(height) / 2 + 0.2, width: width, height: height)
    }

    /// `count` random splats whose projections land inside the camera's view, about
    /// `pixelSigma` pixels wide, with random SH of the given degree.
    static func cloud(count: Int, shDegree: Int, camera: SplatCamera, pixelSigma: ClosedRange<Float>,
                      opacity: ClosedRange<Float> = 0.2...0.8, rng: inout SeededGenerator) -> GaussianCloud {
        var c = GaussianCloud(count: count, shDegree: shDegree)
        let r = camera.rotation, t = camera.translation
        for i in 0..<count {
            // A point in camera space inside the view, taken back to the world: X = Rᵀ (x - t).
            let z = rng.uniform(3, 5)
            let u = rng.uniform(0.1, 0.9) * Float(camera.width), v = rng.uniform(0.1, 0.9) * Float(camera.height)
            let p = [(u - camera.cx) / camera.fx * z - t[0], (v - camera.cy) / camera.fy * z - t[1], z - t[2]]
            for k in 0..<3 { c.means[3 * i + k] = r[k] * p[0] + r[3 + k] * p[1] + r[6 + k] * p[2] }
            for k in 0..<3 {
                let pixels = rng.uniform(pixelSigma.lowerBound, pixelSigma.upperBound)
                c.logScales[3 * i + k] = log(pixels * z / camera.fx)
            }
            for k in 0..<4 { c.rotations[4 * i + k] = rng.normal(1) }
            let o = rng.uniform(opacity.lowerBound, opacity.upperBound)
            c.opacityLogits[i] = log(o / (1 - o))
            for k in 0..<c.shCoefficients {
                for ch in 0..<3 { c.sh[(i * c.shCoefficients + k) * 3 + ch] = k == 0 ? rng.uniform(-0.5, 1.2) : rng.normal(0.25) }
            }
        }
        return c
    }
}

/// Runs the C projection kernel on a cloud and keeps what it wrote.
struct ProjectedSplats {
    var means2d, conics, depths, opacities, colors: [Float]
    var radii, rects: [Int32]
    var tilesTouched: [UInt32]
    var clamped: [UInt8]

    init(cloud: GaussianCloud, camera: SplatCamera, degree: Int? = nil) {
        let n = cloud.count
        means2d = [Float](repeating: 0, count: 2 * n); conics = [Float](repeating: 0, count: 3 * n)
        depths = [Float](repeating: 0, count: n); opacities = [Float](repeating: 0, count: n)
        colors = [Float](repeating: 0, count: 3 * n)
        radii = [Int32](repeating: 0, count: n); rects = [Int32](repeating: 0, count: 4 * n)
        tilesTouched = [UInt32](repeating: 0, count: n); clamped = [UInt8](repeating: 0, count: 3 * n)
        var cam = camera.kernelCamera
        var g = csplat_gaussians()
        let m = cloud.means, s = cloud.logScales, r = cloud.rotations, o = cloud.opacityLogits, h = cloud.sh
        m.withUnsafeBufferPointer { m in s.withUnsafeBufferPointer { s in r.withUnsafeBufferPointer { r in
            o.withUnsafeBufferPointer { o in h.withUnsafeBufferPointer { h in
                g = csplat_gaussians(means: m.baseAddress, log_scales: s.baseAddress, rotations: r.baseAddress,
                                     opacity_logits: o.baseAddress, sh: h.baseAddress,
                                     sh_stride: Int32(cloud.shCoefficients), sh_degree: Int32(degree ?? cloud.shDegree),
                                     count: Int32(n))
                means2d.withUnsafeMutableBufferPointer { a in conics.withUnsafeMutableBufferPointer { b in
                    depths.withUnsafeMutableBufferPointer { c in opacities.withUnsafeMutableBufferPointer { d in
                        colors.withUnsafeMutableBufferPointer { e in radii.withUnsafeMutableBufferPointer { f in
                            rects.withUnsafeMutableBufferPointer { gg in tilesTouched.withUnsafeMutableBufferPointer { hh in
                                clamped.withUnsafeMutableBufferPointer { ii in
                                    var out = csplat_projected(means2d: a.baseAddress, conics: b.baseAddress,
                                                               depths: c.baseAddress, opacities: d.baseAddress,
                                                               colors: e.baseAddress, radii: f.baseAddress,
                                                               tile_rects: gg.baseAddress, tiles_touched: hh.baseAddress,
                                                               clamped: ii.baseAddress, color_jacobians: nil)
                                    csplat_project(&g, &cam, &out, 0, Int32(n))
                                }
                            } }
                        } }
                    } }
                } }
            } }
        } } }
    }

    /// The projected splats in the reference rasterizer's form.
    var referenceSplats: [csplat_ref_splat] {
        (0..<radii.count).map { i in
            var s = csplat_ref_splat()
            s.visible = radii[i] > 0 ? 1 : 0
            s.mean2d = (Double(means2d[2 * i]), Double(means2d[2 * i + 1]))
            s.conic = (Double(conics[3 * i]), Double(conics[3 * i + 1]), Double(conics[3 * i + 2]))
            s.depth = Double(depths[i])
            s.opacity = Double(opacities[i])
            s.color = (Double(colors[3 * i]), Double(colors[3 * i + 1]), Double(colors[3 * i + 2]))
            s.radius = radii[i]
            s.rect = (rects[4 * i], rects[4 * i + 1], rects[4 * i + 2], rects[4 * i + 3])
            return s
        }
    }
}

/// The double-precision reference pipeline: project every splat, then brute-force rasterize.
enum ReferencePipeline {
    struct Output {
        var color: [Double], alpha: [Double], depth: [Double]
        var signature: UInt64
    }

    /// Parameters in double, same layout as GaussianCloud.
    struct Parameters {
        var means, logScales, rotations, opacityLogits, sh: [Double]
        var count, coefficients: Int
        init(_ c: GaussianCloud) {
            means = c.means.map(Double.init); logScales = c.logScales.map(Double.init)
            rotations = c.rotations.map(Double.init); opacityLogits = c.opacityLogits.map(Double.init)
            sh = c.sh.map(Double.init); count = c.count; coefficients = c.shCoefficients
        }
    }

    static func project(_ p: Parameters, degree: Int, camera: SplatCamera) -> [csplat_ref_splat] {
        var cam = camera.kernelCamera
        return (0..<p.count).map { i in
            var out = csplat_ref_splat()
            let sh = Array(p.sh[i * p.coefficients * 3..<(i + 1) * p.coefficients * 3])
            let m = Array(p.means[3 * i..<3 * i + 3]), s = Array(p.logScales[3 * i..<3 * i + 3])
            let q = Array(p.rotations[4 * i..<4 * i + 4])
            csplat_reference_project(m, s, q, p.opacityLogits[i], sh, Int32(degree), &cam, &out)
            return out
        }
    }

    static func rasterize(_ splats: [csplat_ref_splat], width: Int, height: Int, background: [Double]?,
                          options: BlendOptions) -> Output {
        var color = [Double](repeating: 0, count: 3 * width * height)
        var alpha = [Double](repeating: 0, count: width * height), depth = alpha
        var order = [Int32](repeating: 0, count: max(1, splats.count))
        var signature: UInt64 = 0
        let o = csplat_blend_options(alpha_min: options.alphaMin, alpha_max: options.alphaMax,
                                     transmittance_min: options.transmittanceMin)
        withOptionalDoublePointer(background) { bg in
            csplat_reference_rasterize(splats, Int32(splats.count), Int32(width), Int32(height), bg, o,
                                       &order, &color, &alpha, &depth, &signature)
        }
        return Output(color: color, alpha: alpha, depth: depth, signature: signature)
    }

    static func withOptionalDoublePointer<R>(_ a: [Double]?, _ body: (UnsafePointer<Double>?) -> R) -> R {
        guard let a else { return body(nil) }
        return a.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
