import CFeatures
import Foundation
import XCTest
@testable import Estimate
import Geometry

/// The C kernels against plain, obviously-correct Swift versions, and the extractor on
/// synthetic images whose answer is known.
final class KernelTests: XCTestCase {
    func randomPlane(_ w: Int, _ h: Int, seed: UInt64) -> Plane {
        var rng = SeededGenerator(seed: seed)
        return Plane(width: w, height: h, pixels: (0..<(w * h)).map { _ in Float(rng.nextDouble()) })
    }

    func testSeparableBlurMatchesDirectTwoDimensionalSum() {
        let plane = randomPlane(37, 23, seed: 1)
        for threads in [1, 2] {
            let sigma = 1.7
            let fast = PyramidOps(threads: threads).blur(plane, sigma: sigma)
            let k = PyramidOps.gaussianKernel(sigma), r = k.count / 2
            var worst: Float = 0
            for y in 0..<plane.height {
                for x in 0..<plane.width {
                    var acc: Double = 0
                    for i in -r...r {
                        for j in -r...r {
                            let yy = min(max(y + i, 0), plane.height - 1), xx = min(max(x + j, 0), plane.width - 1)
                            acc += Double(k[i + r] * k[j + r]) * Double(plane.pixels[yy * plane.width + xx])
                        }
                    }
                    worst = max(worst, abs(Float(acc) - fast.pixels[y * plane.width + x]))
                }
            }
            XCTAssertLessThan(worst, 1e-5)
        }
        XCTAssertEqual(PyramidOps.gaussianKernel(2).reduce(0, +), 1, accuracy: 1e-6)
    }

    func testShrinkMatchesExactAreaMeans() {
        let w = 30, h = 20, ow = 13, oh = 7
        let plane = randomPlane(w, h, seed: 3)
        let small = PyramidOps(threads: 2).shrink(plane, width: ow, height: oh)
        let sx = Double(w) / Double(ow), sy = Double(h) / Double(oh)
        func overlap(_ i: Int, _ a: Double, _ b: Double) -> Double { max(0, min(Double(i + 1), b) - max(Double(i), a)) }
        for y in 0..<oh {
            for x in 0..<ow {
                var sum = 0.0
                for i in 0..<h {
                    for j in 0..<w {
                        let weight = overlap(j, Double(x) * sx, Double(x + 1) * sx) * overlap(i, Double(y) * sy, Double(y + 1) * sy)
                        sum += weight * Double(plane.pixels[i * w + j])
                    }
                }
                XCTAssertEqual(Double(small.pixels[y * ow + x]), sum / (sx * sy), accuracy: 1e-5)
            }
        }
        let flat = PyramidOps(threads: 1).shrink(Plane(width: w, height: h, pixels: [Float](repeating: 0.7, count: w * h)), width: ow, height: oh)
        XCTAssertTrue(flat.pixels.allSatisfy { abs($0 - 0.7) < 1e-6 })
    }

    func testUpsampleKeepsALinearRampAtPixelCentres() {
        // f(u, v) = 0.3 u + 0.1 v at input pixel centres; upsampled centres must carry the same
        // function of their own continuous coordinates, away from the replicated border.
        let w = 12, h = 9
        var ramp = Plane(width: w, height: h)
        for y in 0..<h { for x in 0..<w { ramp.pixels[y * w + x] = Float(0.3 * (Double(x) + 0.5) + 0.1 * (Double(y) + 0.5)) } }
        let up = PyramidOps(threads: 2).upsample(ramp)
        for y in 1..<(2 * h - 1) {
            for x in 1..<(2 * w - 1) {
                let expected = 0.3 * (Double(x) + 0.5) / 2 + 0.1 * (Double(y) + 0.5) / 2
                XCTAssertEqual(Double(up.pixels[y * 2 * w + x]), expected, accuracy: 1e-5)
            }
        }
    }

    func testExtremaMatchBruteForce() {
        let w = 40, h = 30
        let planes = (0..<3).map { randomPlane(w, h, seed: UInt64(10 + $0)).pixels.map { $0 - 0.5 } }
        let border = 2
        var expected: [[Int32]] = []
        for y in border..<(h - border) {
            for x in border..<(w - border) {
                let v = planes[1][y * w + x]
                guard abs(v) > 0.1 else { continue }
                var isMax = true, isMin = true
                for s in 0..<3 {
                    for dy in -1...1 {
                        for dx in -1...1 where !(s == 1 && dy == 0 && dx == 0) {
                            let n = planes[s][(y + dy) * w + x + dx]
                            if n > v { isMax = false }
                            if n < v { isMin = false }
                        }
                    }
                }
                if (v > 0 && isMax) || (v < 0 && isMin) { expected.append([Int32(x), Int32(y)]) }
            }
        }
        var out = [Int32](repeating: 0, count: 2 * 400)
        let n = v2w_find_extrema(planes[0], planes[1], planes[2], Int32(w), Int32(h), 0.1, Int32(border), 0, Int32(h), &out, 400)
        let found = (0..<Int(n)).map { [out[2 * $0], out[2 * $0 + 1]] }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(found, expected)
    }

    func testOrientationOfALinearRamp() {
        let w = 64, h = 64
        for degrees in stride(from: 0.0, to: 360, by: 37) {
            let theta = degrees * .pi / 180
            var ramp = [Float](repeating: 0, count: w * h)
            for y in 0..<h { for x in 0..<w { ramp[y * w + x] = Float(0.5 + 0.004 * (cos(theta) * Double(x) + sin(theta) * Double(y))) } }
            var angles = [Float](repeating: 0, count: 4)
            let field = PyramidOps(threads: 1).gradients(Plane(width: w, height: h, pixels: ramp))
            let n = v2w_orientations(field.magnitude, field.angle, Int32(w), Int32(h), 32.3, 31.6, 3, 0.8, &angles, 4)
            XCTAssertEqual(n, 1)
            var error = Double(angles[0]) - theta
            error = atan2(sin(error), cos(error))
            XCTAssertLessThan(abs(error), 0.5 * .pi / 180, "ramp at \(degrees)°")
        }
    }

    func testGradientsMatchAtan2() {
        let plane = randomPlane(23, 17, seed: 8)
        let field = PyramidOps(threads: 2).gradients(plane)
        for y in 0..<17 {
            for x in 0..<23 {
                let i = y * 23 + x
                if x == 0 || y == 0 || x == 22 || y == 16 {
                    XCTAssertEqual(field.magnitude[i], 0)
                    continue
                }
                let dx = Double(plane.pixels[i + 1] - plane.pixels[i - 1]), dy = Double(plane.pixels[i + 23] - plane.pixels[i - 23])
                XCTAssertEqual(Double(field.magnitude[i]), (dx * dx + dy * dy).squareRoot(), accuracy: 1e-6)
                var a = atan2(dy, dx)
                if a < 0 { a += 2 * .pi }
                var e = Double(field.angle[i]) - a
                e = atan2(sin(e), cos(e))
                XCTAssertLessThan(abs(e), 2e-5)
                XCTAssertTrue(field.angle[i] >= 0 && field.angle[i] < 2 * .pi)
            }
        }
    }

    /// Lowe's descriptor written the plain way: atan2, a 2-D exp, trilinear voting, clip,
    /// RootSIFT.
    func referenceDescriptor(_ image: [Float], _ w: Int, _ h: Int, x: Float, y: Float, sigma: Float, angle: Float) -> [Float] {
        var hist = [Double](repeating: 0, count: 128)
        let binWidth = 3 * Double(sigma)
        let radius = Int((binWidth * 2.0.squareRoot() * 5 / 2).rounded())
        let cx = Int(Double(x).rounded()), cy = Int(Double(y).rounded())
        let c = cos(Double(angle)), s = sin(Double(angle))
        for py in (cy - radius)...(cy + radius) where py >= 1 && py < h - 1 {
            for px in (cx - radius)...(cx + radius) where px >= 1 && px < w - 1 {
                let ox = Double(px) - Double(x), oy = Double(py) - Double(y)
                let col = (c * ox + s * oy) / binWidth + 1.5, row = (-s * ox + c * oy) / binWidth + 1.5
                guard row > -1, row < 4, col > -1, col < 4 else { continue }
                let dx = Double(image[py * w + px + 1] - image[py * w + px - 1])
                let dy = Double(image[(py + 1) * w + px] - image[(py - 1) * w + px])
                let weight = exp(-((col - 1.5) * (col - 1.5) + (row - 1.5) * (row - 1.5)) / 8)
                let magnitude = (dx * dx + dy * dy).squareRoot() * weight
                var theta = atan2(dy, dx) - Double(angle)
                theta = theta.truncatingRemainder(dividingBy: 2 * .pi)
                if theta < 0 { theta += 2 * .pi }
                let o = theta * 8 / (2 * .pi)
                let r0 = Int(row.rounded(.down)), c0 = Int(col.rounded(.down)), o0 = Int(o.rounded(.down))
                for (ri, wr) in [(r0, 1 - (row - Double(r0))), (r0 + 1, row - Double(r0))] where ri >= 0 && ri < 4 {
                    for (ci, wc) in [(c0, 1 - (col - Double(c0))), (c0 + 1, col - Double(c0))] where ci >= 0 && ci < 4 {
                        for (oi, wo) in [(o0, 1 - (o - Double(o0))), (o0 + 1, o - Double(o0))] {
                            hist[(ri * 4 + ci) * 8 + (oi % 8)] += magnitude * wr * wc * wo
                        }
                    }
                }
            }
        }
        let norm = hist.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let clipped = hist.map { min($0, 0.2 * norm) }
        let l1 = clipped.reduce(0, +)
        return clipped.map { Float(($0 / l1).squareRoot()) }
    }

    func testDescriptorMatchesReference() {
        let plane = PyramidOps(threads: 1).blur(randomPlane(80, 70, seed: 5), sigma: 1.5)
        let field = PyramidOps(threads: 2).gradients(plane)
        var rng = SeededGenerator(seed: 6)
        for _ in 0..<20 {
            let x = Float(rng.nextDouble(in: 10, 70)), y = Float(rng.nextDouble(in: 10, 60))
            let sigma = Float(rng.nextDouble(in: 1.2, 4)), angle = Float(rng.nextDouble(in: 0, 2 * .pi))
            var fast = [Float](repeating: 0, count: 128)
            v2w_descriptor(field.magnitude, field.angle, 80, 70, x, y, sigma, angle, &fast)
            let slow = referenceDescriptor(plane.pixels, 80, 70, x: x, y: y, sigma: sigma, angle: angle)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 2e-3, "at (\(x), \(y)) σ \(sigma) angle \(angle)")
        }
    }

    /// A Gaussian blob at a sub-pixel position: one keypoint at its centre (pixel centres at
    /// +0.5) with a scale near the blob's σ, whether or not the first octave is upsampled.
    func testBlobIsLocalisedToSubpixelAccuracy() throws {
        let w = 96, h = 80
        let centre = Vec2(40.3, 37.7), blob = 4.0
        var pixels = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let dx = Double(x) + 0.5 - centre.x, dy = Double(y) + 0.5 - centre.y
                pixels[y * w + x] = Float(0.2 + 0.6 * exp(-(dx * dx + dy * dy) / (2 * blob * blob)))
            }
        }
        for (upsample, maxSize) in [(true, 3200), (false, 3200), (true, 61)] {
            var options = FeatureOptions()
            options.upsampleFirstOctave = upsample
            options.maxImageSize = maxSize  // 61: shrunk by 96/61 on x and 80/51 on y first
            options.priority = .strongestResponse
            let features = try FeatureExtractor(options: options).extract(gray: pixels, width: w, height: h)
            let strongest = try XCTUnwrap(features.keypoints.first)
            let tolerance = maxSize < w ? 0.25 : 0.15
            XCTAssertEqual(Double(strongest.x), centre.x, accuracy: tolerance)
            XCTAssertEqual(Double(strongest.y), centre.y, accuracy: tolerance)
            XCTAssertEqual(Double(strongest.scale), blob, accuracy: 0.2 * blob)
        }
    }
}
