import CSplat
import Geometry
import XCTest
@testable import Splats

/// The exact backward (float kernels) against central finite differences of the double-precision
/// reference pipeline, for every parameter of every splat of a tiny random scene.
///
/// The loss is linear in the outputs with random per-pixel weights, L = Σ wc·colour + Σ wa·alpha
/// + Σ wd·depth, so its output gradients are the weights. Rendering is piecewise smooth: a
/// contribution appears or disappears where alpha crosses 1/255, a pixel stops at T < 1e-4, alpha
/// clamps at 0.99, rectangles and colour clamps switch. The reference returns a signature of all
/// those decisions; a difference is only used when the signature is the same at both ends (else
/// the step is shrunk, and after three tries the parameter is counted as at a discontinuity).
final class GradientTests: XCTestCase {
    struct Check {
        var compared = 0, atDiscontinuity = 0
        var failures: [String] = []
        var worst: [String: Double] = [:]
        var projected: ProjectedSplats?
        var camera: SplatCamera?
        var cloud: GaussianCloud?
    }

    private func check(seed: UInt64, count: Int, opacity: ClosedRange<Float>, options: BlendOptions,
                       background: [Float]?, degree: Int = 3, width: Int = 32, height: Int = 32, edit: (inout GaussianCloud, SplatCamera) -> Void = { _, _ in }) throws -> Check {
        var rng = SeededGenerator(seed: seed)
        let camera = TestScene.camera(width: width, height: height, focal: 30, rng: &rng)
        var cloud = TestScene.cloud(count: count, shDegree: 3, camera: camera, pixelSigma: 1.5...4,
                                    opacity: opacity, rng: &rng)
        edit(&cloud, camera)
        let pixels = width * height
        let wc = (0..<3 * pixels).map { _ in rng.uniform(-1, 1) }
        let wa = (0..<pixels).map { _ in rng.uniform(-1, 1) }
        let wd = (0..<pixels).map { _ in rng.uniform(-0.3, 0.3) }

        let rasterizer = SplatRasterizer(threadCount: 1, blendOptions: options, background: background)
        _ = try rasterizer.render(cloud, camera: camera, shDegree: degree)
        let grads = try rasterizer.backward(dColor: wc, dAlpha: wa, dDepth: wd).parameters

        let bg = background?.map(Double.init)
        func loss(_ p: ReferencePipeline.Parameters) -> (Double, UInt64) {
            let splats = ReferencePipeline.project(p, degree: degree, camera: camera)
            let out = ReferencePipeline.rasterize(splats, width: width, height: height, background: bg, options: options)
            var l = 0.0
            for i in 0..<3 * pixels { l += Double(wc[i]) * out.color[i] }
            for i in 0..<pixels { l += Double(wa[i]) * out.alpha[i] + Double(wd[i]) * out.depth[i] }
            return (l, out.signature)
        }

        let base = ReferencePipeline.Parameters(cloud)
        let baseSignature = loss(base).1
        var result = Check()
        result.projected = ProjectedSplats(cloud: cloud, camera: camera)
        result.camera = camera
        result.cloud = cloud
        let groups: [(String, WritableKeyPath<ReferencePipeline.Parameters, [Double]>, [Float])] = [
            ("means", \.means, grads.means), ("logScales", \.logScales, grads.logScales),
            ("rotations", \.rotations, grads.rotations), ("opacityLogits", \.opacityLogits, grads.opacityLogits),
            ("sh", \.sh, grads.sh),
        ]
        for (name, path, analytic) in groups {
            var numeric = [Double?](repeating: nil, count: analytic.count)
            for index in 0..<analytic.count {
                var step = 1e-5
                for _ in 0..<3 {
                    var plus = base, minus = base
                    plus[keyPath: path][index] += step
                    minus[keyPath: path][index] -= step
                    let (lp, sp) = loss(plus), (lm, sm) = loss(minus)
                    if sp == baseSignature && sm == baseSignature {
                        numeric[index] = (lp - lm) / (2 * step)
                        break
                    }
                    step /= 10
                }
            }
            let scale = numeric.compactMap { $0.map(abs) }.max() ?? 0
            for index in 0..<analytic.count {
                guard let fd = numeric[index] else { result.atDiscontinuity += 1; continue }
                result.compared += 1
                // Relative error, with a floor of 1e-3 of the group's largest gradient so that
                // components that are zero up to rounding do not count.
                let error = abs(Double(analytic[index]) - fd) / max(abs(fd), 1e-3 * scale)
                let label = name == "sh" ? (index % (16 * 3) < 3 ? "sh DC" : "sh rest") : name
                result.worst[label] = max(result.worst[label] ?? 0, error)
                if error > 1e-2 {
                    result.failures.append("\(name)[\(index)]: backward \(analytic[index]), finite difference \(fd)")
                }
            }
        }
        return result
    }

    private func assertGood(_ c: Check, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(c.failures, [], file: file, line: line)
        XCTAssertLessThanOrEqual(c.atDiscontinuity, c.compared / 50, "too many parameters at a discontinuity", file: file, line: line)
        for label in ["means", "logScales", "rotations", "opacityLogits", "sh DC", "sh rest"] {
            XCTAssertNotNil(c.worst[label], "\(label) was compared", file: file, line: line)
        }
        print("gradient check: \(c.compared) compared, \(c.atDiscontinuity) at discontinuities, worst relative errors \(c.worst)")
    }

    /// Default 3DGS thresholds, semi-transparent splats, with a background.
    func testGradientsMatchFiniteDifferences() throws {
        assertGood(try check(seed: 21, count: 12, opacity: 0.2...0.8, options: BlendOptions(), background: [0.3, 0.6, 0.1]))
    }

    /// Nearly opaque overlapping splats: alpha clamped at 0.99 and pixels that stop early.
    func testGradientsWithClampingAndEarlyStop() throws {
        assertGood(try check(seed: 22, count: 16, opacity: 0.95...0.9995, options: BlendOptions(), background: nil))
    }

    /// A degree-3 cloud rendered at degree 1 (training raises the degree over time), on an image
    /// whose edge tiles are cut: the unused coefficients get exactly zero gradient.
    func testGradientsAtLowerSHDegreeAndPartialTiles() throws {
        let c = try check(seed: 26, count: 12, opacity: 0.2...0.8, options: BlendOptions(), background: [0.5, 0.5, 0.5],
                          degree: 1, width: 37, height: 21)
        assertGood(c)
        let cloud = try XCTUnwrap(c.cloud)
        let rasterizer = SplatRasterizer(threadCount: 2)
        _ = try rasterizer.render(cloud, camera: try XCTUnwrap(c.camera), shDegree: 1)
        let sh = try rasterizer.backward(dColor: [Float](repeating: 1, count: 3 * 37 * 21)).parameters.sh
        for i in 0..<cloud.count {
            XCTAssertTrue(sh[(i * 16 + 4) * 3..<(i + 1) * 16 * 3].allSatisfy { $0 == 0 }, "splat \(i): degree 2, 3 untouched")
            XCTAssertTrue(sh[(i * 16 + 1) * 3..<(i * 16 + 4) * 3].contains { $0 != 0 }, "splat \(i): degree 1 used")
        }
    }

    /// Every splat reaches every pixel of its rectangle (no thresholds): one smooth function.
    func testGradientsWithoutThresholds() throws {
        let smooth = BlendOptions(alphaMin: 0, alphaMax: 0.99, transmittanceMin: 0)
        let c = try check(seed: 23, count: 10, opacity: 0.2...0.8, options: smooth, background: [1, 1, 1])
        assertGood(c)
    }

    /// Splats centred beyond the widened view (the EWA Jacobian is clamped there) whose
    /// footprints reach into the image, and colour channels clamped at 0.
    func testGradientsAtViewEdgeAndColourClamp() throws {
        let c = try check(seed: 25, count: 10, opacity: 0.2...0.8, options: BlendOptions(), background: nil) { cloud, camera in
            let r = camera.rotation, t = camera.translation
            // Camera-space centres at x/z = 0.8 and y/z = -0.75 (the widened limits are about ±0.7).
            for (i, p) in [[0.8 * 4, 0.1, 4], [0.2, -0.75 * 3.5, 3.5]].enumerated() {
                let q = [Float(p[0]) - t[0], Float(p[1]) - t[1], Float(p[2]) - t[2]]
                for k in 0..<3 { cloud.means[3 * i + k] = r[k] * q[0] + r[3 + k] * q[1] + r[6 + k] * q[2] }
                for k in 0..<3 { cloud.logScales[3 * i + k] = log(0.7 + 0.1 * Float(k)) }
                cloud.opacityLogits[i] = 2
            }
            cloud.sh[3 * 16 * 2] = -4 // splat 2: red DC far negative, so red is clamped at 0
            cloud.sh[3 * 16 * 3 + 2] = -4 // splat 3: blue
        }
        assertGood(c)
        let p = try XCTUnwrap(c.projected), camera = try XCTUnwrap(c.camera), cloud = try XCTUnwrap(c.cloud)
        for i in 0..<2 {
            XCTAssertGreaterThan(p.radii[i], 0, "edge splat \(i) reaches the image")
            let m = Array(cloud.means[3 * i..<3 * i + 3]), r = camera.rotation, t = camera.translation
            let x = r[0] * m[0] + r[1] * m[1] + r[2] * m[2] + t[0], y = r[3] * m[0] + r[4] * m[1] + r[5] * m[2] + t[1]
            let z = r[6] * m[0] + r[7] * m[1] + r[8] * m[2] + t[2]
            XCTAssertGreaterThan(max(abs(x / z), abs(y / z)), 0.72, "edge splat \(i) lies beyond the widened view")
        }
        XCTAssertEqual(p.clamped[6], 1)
        XCTAssertEqual(p.clamped[11], 1)
    }

    /// The per-view |dL/d 2D mean| that density control accumulates: finite differences of the
    /// reference rasterizer with respect to the projected means.
    func testMeanGradientNormsMatchFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 24)
        let camera = TestScene.camera(width: 32, height: 32, focal: 30, rng: &rng)
        let cloud = TestScene.cloud(count: 10, shDegree: 1, camera: camera, pixelSigma: 1.5...4, rng: &rng)
        let w = (0..<3 * 32 * 32).map { _ in rng.uniform(-1, 1) }
        let rasterizer = SplatRasterizer(threadCount: 2)
        _ = try rasterizer.render(cloud, camera: camera)
        let norms = try rasterizer.backward(dColor: w).mean2dGradientNorms
        let projected = ProjectedSplats(cloud: cloud, camera: camera).referenceSplats
        func loss(_ s: [csplat_ref_splat]) -> Double {
            let out = ReferencePipeline.rasterize(s, width: 32, height: 32, background: nil, options: BlendOptions())
            return zip(w, out.color).reduce(0) { $0 + Double($1.0) * $1.1 }
        }
        for i in 0..<cloud.count {
            var g = [0.0, 0.0]
            for axis in 0..<2 {
                var plus = projected, minus = projected
                if axis == 0 { plus[i].mean2d.0 += 1e-5; minus[i].mean2d.0 -= 1e-5 } else { plus[i].mean2d.1 += 1e-5; minus[i].mean2d.1 -= 1e-5 }
                g[axis] = (loss(plus) - loss(minus)) / 2e-5
            }
            let expected = (g[0] * g[0] + g[1] * g[1]).squareRoot()
            XCTAssertEqual(Double(norms[i]), expected, accuracy: 1e-2 * expected + 1e-6, "splat \(i)")
        }
    }
}
