import Media

/// Images in and out of the model's layout: [channels, resolution, resolution], values in [-1, 1].
enum ImageTensor {
    /// The image resampled to the model's size (area average, so shrinking does not alias) with
    /// its channels made to fit: a 3-channel image gets alpha 1 for an RGBA model; an RGBA image
    /// for an RGB model is composited over black (the training renders' background colour).
    static func tensor(from image: Image, channels: Int, resolution: Int) -> [Float] {
        let resized = resample(image, to: resolution)
        var out = [Float](repeating: 0, count: channels * resolution * resolution)
        let plane = resolution * resolution
        for i in 0..<plane {
            let base = i * resized.channels
            let alpha: Float = resized.channels == 4 ? resized.pixels[base + 3] : 1
            for c in 0..<channels {
                var v: Float
                if c < 3 { v = resized.pixels[base + c] * (channels == 3 ? alpha : 1) } else { v = alpha }
                v = min(max(v, 0), 1)
                out[c * plane + i] = 2 * v - 1
            }
        }
        return out
    }

    /// One image per view of a [views, channels, r, r] clip, values mapped back to [0, 1].
    static func images(from clip: [Float], views: Int, channels: Int, resolution: Int) -> [Image] {
        let plane = resolution * resolution
        return (0..<views).map { v in
            var pixels = [Float](repeating: 0, count: plane * channels)
            for c in 0..<channels {
                let source = (v * channels + c) * plane
                for i in 0..<plane { pixels[i * channels + c] = min(max((clip[source + i] + 1) / 2, 0), 1) }
            }
            return Image(width: resolution, height: resolution, channels: channels, pixels: pixels)
        }
    }

    /// Area-average resampling to size × size (each output pixel averages the input area it
    /// covers, partial pixels weighted by their overlap). Identity at the same size.
    static func resample(_ image: Image, to size: Int) -> Image {
        if image.width == size && image.height == size { return image }
        let c = image.channels
        // Separable: columns first, then rows.
        let wide = weights(from: image.width, to: size), tall = weights(from: image.height, to: size)
        var rows = [Float](repeating: 0, count: image.height * size * c)
        for y in 0..<image.height {
            for (x, taps) in wide.enumerated() {
                for (sx, w) in taps {
                    for k in 0..<c { rows[(y * size + x) * c + k] += w * image.pixels[(y * image.width + sx) * c + k] }
                }
            }
        }
        var out = [Float](repeating: 0, count: size * size * c)
        for (y, taps) in tall.enumerated() {
            for (sy, w) in taps {
                for x in 0..<size {
                    for k in 0..<c { out[(y * size + x) * c + k] += w * rows[(sy * size + x) * c + k] }
                }
            }
        }
        return Image(width: size, height: size, channels: c, pixels: out)
    }

    /// For each output index, the input indices it covers and their normalised weights.
    private static func weights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let ratio = Double(n) / Double(m)
        return (0..<m).map { i in
            if ratio <= 1 {  // enlarging: linear interpolation between pixel centres
                let x = min(max((Double(i) + 0.5) * ratio - 0.5, 0), Double(n - 1))
                let x0 = Int(x), x1 = min(x0 + 1, n - 1), f = Float(x - Double(x0))
                return x0 == x1 ? [(x0, Float(1))] : [(x0, 1 - f), (x1, f)]
            }
            let lo = Double(i) * ratio, hi = Double(i + 1) * ratio
            var taps: [(Int, Float)] = []
            var j = Int(lo)
            while Double(j) < hi && j < n {
                let overlap = min(hi, Double(j + 1)) - max(lo, Double(j))
                if overlap > 0 { taps.append((j, Float(overlap / ratio))) }
                j += 1
            }
            return taps
        }
    }
}
