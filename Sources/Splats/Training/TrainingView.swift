/// One training image as the trainer holds it: 8-bit samples (never all frames as floats, so
/// memory stays bounded on long captures), its camera, and an optional mask.
public struct TrainingView: Equatable {
    /// Name for messages and reports (the image file name).
    public var name: String
    public var camera: SplatCamera
    /// width × height × channels bytes, row-major, interleaved.
    public var pixels: [UInt8]
    /// 3 (RGB) or 4 (RGBA: alpha is coverage, colours not premultiplied, as PNG stores them).
    public var channels: Int
    /// width × height bytes or nil; 0 marks a pixel as masked out (below 128 counts as 0).
    public var mask: [UInt8]?

    public init(name: String, camera: SplatCamera, pixels: [UInt8], channels: Int, mask: [UInt8]? = nil) {
        self.name = name
        self.camera = camera
        self.pixels = pixels
        self.channels = channels
        self.mask = mask
    }

    public var width: Int { camera.width }
    public var height: Int { camera.height }

    /// Checks the sizes against the camera.
    public func validate() throws {
        try camera.validate()
        let count = width * height
        guard channels == 3 || channels == 4 else {
            throw SplatsError.badImage(field: name, reason: "has \(channels) channels, expected 3 or 4")
        }
        guard pixels.count == count * channels else {
            throw SplatsError.badImage(field: name, reason: "holds \(pixels.count) bytes, expected \(width) × \(height) × \(channels)")
        }
        if let mask {
            guard mask.count == count else {
                throw SplatsError.badImage(field: "mask of \(name)", reason: "holds \(mask.count) values, expected \(width) × \(height)")
            }
            guard mask.contains(where: { $0 >= 128 }) else {
                throw SplatsError.badImage(field: "mask of \(name)", reason: "masks out every pixel")
            }
        }
    }

    /// Writes the float RGB target (width × height × 3) seen over `background`, and the per-pixel
    /// loss weights (nil when every pixel counts). `.exclude` gives masked pixels weight 0;
    /// `.transparent` treats them as alpha 0 (the background shows there, and the splats learn to
    /// leave them empty).
    public func target(background: [Float], maskMode: MaskMode, into target: inout [Float], weights: inout [Float]?) {
        let count = width * height
        if target.count != 3 * count { target = [Float](repeating: 0, count: 3 * count) }
        let useWeights = mask != nil && maskMode == .exclude
        if useWeights {
            if weights?.count != count { weights = [Float](repeating: 1, count: count) }
        } else {
            weights = nil
        }
        let c = channels, scale: Float = 1 / 255
        let b0 = background[0], b1 = background[1], b2 = background[2]
        pixels.withUnsafeBufferPointer { src in
            target.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    var alpha: Float = c == 4 ? Float(src[4 * i + 3]) * scale : 1
                    if let mask, mask[i] < 128, maskMode == .transparent { alpha = 0 }
                    let rest = 1 - alpha
                    dst[3 * i] = Float(src[c * i]) * scale * alpha + b0 * rest
                    dst[3 * i + 1] = Float(src[c * i + 1]) * scale * alpha + b1 * rest
                    dst[3 * i + 2] = Float(src[c * i + 2]) * scale * alpha + b2 * rest
                }
            }
        }
        if useWeights, let mask {
            for i in 0..<count { weights![i] = mask[i] < 128 ? 0 : 1 }
        }
    }
}

/// What a mask does to its masked-out pixels.
public enum MaskMode: String, Equatable, CaseIterable {
    /// Left out of the loss: no gradient flows from them (transient objects, the capturer).
    case exclude
    /// Treated as transparent: the target there is the background, so splats are pushed out.
    case transparent
}

/// The colour behind the splats during training. RGBA targets (transparent background, as the
/// Render module writes them) are composited over the same colour, so the splats' coverage is
/// trained too: a random colour per iteration (as the 3DGS synthetic setups' random background)
/// leaves no single colour the splats could paint into the background; a fixed colour is the
/// classic black / white setup.
public enum TrainingBackground: Equatable {
    case random
    case fixed([Float])
}
