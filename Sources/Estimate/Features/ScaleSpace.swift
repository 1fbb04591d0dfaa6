import CFeatures
import Foundation

/// A single-channel float image (row-major).
struct Plane {
    var width: Int
    var height: Int
    var pixels: [Float]

    init(width: Int, height: Int, pixels: [Float]) {
        self.width = width; self.height = height; self.pixels = pixels
    }

    init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [Float](repeating: 0, count: width * height))
    }

    /// A plane whose every pixel the caller overwrites before reading (skips the zero fill,
    /// a measurable share of a pyramid's time).
    init(overwrittenWidth width: Int, height: Int) {
        let pixels = [Float](unsafeUninitializedCapacity: width * height) { _, count in count = width * height }
        self.init(width: width, height: height, pixels: pixels)
    }
}

/// Gradient magnitude and direction of one Gaussian level, for orientations and descriptors.
struct GradientField {
    var width: Int
    var height: Int
    var magnitude: [Float]
    /// Radians in [0, 2π), from +x towards +y.
    var angle: [Float]
}

/// Image-processing steps of the Gaussian pyramid, each split over rows on `threads` cores.
struct PyramidOps {
    var threads: Int

    /// Sampled, normalised Gaussian of standard deviation `sigma` (radius ⌈4σ⌉).
    static func gaussianKernel(_ sigma: Double) -> [Float] {
        let radius = max(1, Int((4 * sigma).rounded(.up)))
        var k = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let sum = k.reduce(0, +)
        for i in k.indices { k[i] /= sum }
        return k
    }

    func blur(_ plane: Plane, sigma: Double) -> Plane {
        let kernel = PyramidOps.gaussianKernel(sigma)
        let radius = Int32(kernel.count / 2)
        let w = plane.width, h = plane.height
        var temporary = Plane(overwrittenWidth: w, height: h)
        var out = Plane(overwrittenWidth: w, height: h)
        kernel.withUnsafeBufferPointer { k in
            plane.pixels.withUnsafeBufferPointer { src in
                temporary.pixels.withUnsafeMutableBufferPointer { tmp in
                    let s = src.baseAddress!, t = tmp.baseAddress!, kp = k.baseAddress!
                    forEachChunk(count: h, chunks: threads) { rows in
                        v2w_blur_horizontal(s, t, Int32(w), Int32(h), kp, radius, Int32(rows.lowerBound), Int32(rows.upperBound))
                    }
                }
            }
            temporary.pixels.withUnsafeBufferPointer { tmp in
                out.pixels.withUnsafeMutableBufferPointer { dst in
                    let t = tmp.baseAddress!, d = dst.baseAddress!, kp = k.baseAddress!
                    forEachChunk(count: h, chunks: threads) { rows in
                        v2w_blur_vertical(t, d, Int32(w), Int32(h), kp, radius, Int32(rows.lowerBound), Int32(rows.upperBound))
                    }
                }
            }
        }
        return out
    }

    func upsample(_ plane: Plane) -> Plane {
        var out = Plane(overwrittenWidth: 2 * plane.width, height: 2 * plane.height)
        let w = plane.width, h = plane.height
        plane.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                forEachChunk(count: 2 * h, chunks: threads) { rows in
                    v2w_upsample2(s, Int32(w), Int32(h), d, Int32(rows.lowerBound), Int32(rows.upperBound))
                }
            }
        }
        return out
    }

    func gradients(_ plane: Plane) -> GradientField {
        let w = plane.width, h = plane.height
        var magnitude = Plane(overwrittenWidth: w, height: h).pixels, angle = Plane(overwrittenWidth: w, height: h).pixels
        plane.pixels.withUnsafeBufferPointer { src in
            magnitude.withUnsafeMutableBufferPointer { m in
                angle.withUnsafeMutableBufferPointer { a in
                    let s = src.baseAddress!, mp = m.baseAddress!, ap = a.baseAddress!
                    forEachChunk(count: h, chunks: threads) { rows in
                        v2w_gradients(s, Int32(w), Int32(h), mp, ap, Int32(rows.lowerBound), Int32(rows.upperBound))
                    }
                }
            }
        }
        return GradientField(width: w, height: h, magnitude: magnitude, angle: angle)
    }

    /// Area-average shrink to `width` × `height` (each no larger than the plane's).
    func shrink(_ plane: Plane, width ow: Int, height oh: Int) -> Plane {
        let w = plane.width, h = plane.height
        var temporary = Plane(overwrittenWidth: ow, height: h)
        var out = Plane(overwrittenWidth: ow, height: oh)
        plane.pixels.withUnsafeBufferPointer { src in
            temporary.pixels.withUnsafeMutableBufferPointer { tmp in
                let s = src.baseAddress!, t = tmp.baseAddress!
                forEachChunk(count: h, chunks: threads) { rows in
                    v2w_shrink_horizontal(s, Int32(w), Int32(h), t, Int32(ow), Int32(rows.lowerBound), Int32(rows.upperBound))
                }
            }
        }
        temporary.pixels.withUnsafeBufferPointer { tmp in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                let t = tmp.baseAddress!, d = dst.baseAddress!
                forEachChunk(count: oh, chunks: threads) { rows in
                    v2w_shrink_vertical(t, Int32(ow), Int32(h), d, Int32(oh), Int32(rows.lowerBound), Int32(rows.upperBound))
                }
            }
        }
        return out
    }

    func downsample(_ plane: Plane) -> Plane {
        var out = Plane(overwrittenWidth: (plane.width + 1) / 2, height: (plane.height + 1) / 2)
        plane.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                v2w_downsample2(src.baseAddress!, Int32(plane.width), Int32(plane.height), dst.baseAddress!)
            }
        }
        return out
    }

    /// Stacks b − a for consecutive pairs of `levels` into one buffer (plane after plane).
    func differences(_ levels: [Plane]) -> [Float] {
        let size = levels[0].pixels.count
        var stack = [Float](unsafeUninitializedCapacity: size * (levels.count - 1)) { _, count in count = size * (levels.count - 1) }
        stack.withUnsafeMutableBufferPointer { out in
            for i in 0..<(levels.count - 1) {
                levels[i + 1].pixels.withUnsafeBufferPointer { upper in
                    levels[i].pixels.withUnsafeBufferPointer { lower in
                        let u = upper.baseAddress!, l = lower.baseAddress!, o = out.baseAddress! + i * size
                        forEachChunk(count: size, chunks: threads) { range in
                            v2w_subtract(u, l, o, range.lowerBound, range.upperBound)
                        }
                    }
                }
            }
        }
        return stack
    }
}

/// One octave: `layers + 3` Gaussian levels and `layers + 2` differences of Gaussians.
struct Octave {
    /// Octave number (−1 for the upsampled one).
    var index: Int
    var gaussians: [Plane]
    /// The differences of Gaussians, plane after plane (each width × height of the octave).
    var dogStack: [Float]
    /// Gradients of Gaussian levels 1 … layers (index 0 is level 1): the levels keypoints use.
    var gradients: [GradientField]
    var width: Int { gaussians[0].width }
    var height: Int { gaussians[0].height }
    /// Input-image coordinate of octave pixel index i: step · i + offset.
    var step: Double
    var offset: Double

    /// Builds the octave from its base (already blurred to `sigma`).
    init(index: Int, base: Plane, layers: Int, sigma: Double, step: Double, offset: Double, ops: PyramidOps) {
        self.index = index; self.step = step; self.offset = offset
        var levels = [base]
        let k = pow(2, 1 / Double(layers))
        for i in 1..<(layers + 3) {
            let previous = sigma * pow(k, Double(i - 1)), current = previous * k
            levels.append(ops.blur(levels[i - 1], sigma: (current * current - previous * previous).squareRoot()))
        }
        gaussians = levels
        dogStack = ops.differences(levels)
        gradients = (1...layers).map { ops.gradients(levels[$0]) }
    }
}
