/// Coarse-to-fine training (OpenSplat's resolution schedule): early iterations see the views at
/// half, quarter, ... size, which costs a fraction of a full-size step while the splats are still
/// coarse, and the fit ends on the full-size views.
extension TrainingView {
    /// The view at half the size: each 2 × 2 block of pixels averaged into one (an odd last row or
    /// column is dropped), the camera scaled to match. The rasterizer puts pixel i's centre at
    /// i + 0.5, so halving every image coordinate (focal and principal point included) maps the
    /// block's area onto the new pixel exactly. RGBA blocks average colour weighted by alpha (a
    /// transparent pixel's colour does not bleed into the edge); a block with any masked pixel is
    /// masked (mixed pixels are left out rather than trusted).
    public func halved() throws -> TrainingView {
        let w = width / 2, h = height / 2
        guard w >= 1, h >= 1 else {
            throw SplatsError.badImage(field: name, reason: "is \(width) × \(height) pixels, too small to halve")
        }
        var camera = self.camera
        camera.fx /= 2; camera.fy /= 2; camera.cx /= 2; camera.cy /= 2
        camera.width = w; camera.height = h
        let c = channels, rowBytes = width * c
        var out = [UInt8](repeating: 0, count: w * h * c)
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for x in 0..<w {
                    let top = 2 * y * rowBytes + 2 * x * c, bottom = top + rowBytes
                    let block = (top, top + c, bottom, bottom + c) // the four pixels' first bytes
                    let o = (y * w + x) * c
                    if c == 4 {
                        let a = (Int(src[block.0 + 3]), Int(src[block.1 + 3]), Int(src[block.2 + 3]), Int(src[block.3 + 3]))
                        let alpha = a.0 + a.1 + a.2 + a.3
                        for k in 0..<3 {
                            let sum = Int(src[block.0 + k]) * a.0 + Int(src[block.1 + k]) * a.1 +
                                Int(src[block.2 + k]) * a.2 + Int(src[block.3 + k]) * a.3
                            out[o + k] = alpha > 0 ? UInt8((sum + alpha / 2) / alpha) : 0
                        }
                        out[o + 3] = UInt8((alpha + 2) / 4)
                    } else {
                        for k in 0..<c {
                            let sum = Int(src[block.0 + k]) + Int(src[block.1 + k]) + Int(src[block.2 + k]) + Int(src[block.3 + k])
                            out[o + k] = UInt8((sum + 2) / 4)
                        }
                    }
                }
            }
        }
        var halvedMask: [UInt8]? = nil
        if let mask {
            var m = [UInt8](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    let kept = mask[2 * y * width + 2 * x] >= 128 && mask[2 * y * width + 2 * x + 1] >= 128 &&
                        mask[(2 * y + 1) * width + 2 * x] >= 128 && mask[(2 * y + 1) * width + 2 * x + 1] >= 128
                    m[y * w + x] = kept ? 255 : 0
                }
            }
            halvedMask = m
        }
        return TrainingView(name: name, camera: camera, pixels: out, channels: c, mask: halvedMask)
    }
}
