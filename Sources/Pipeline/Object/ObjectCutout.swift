import Foundation
import Media

/// Settings of the cut-out. Colour distances are Euclidean in RGB with samples in [0, 1].
public struct CutoutOptions: Equatable, Sendable {
    /// Width of the border band the background colour is estimated from, as a fraction of the
    /// shorter side (at least one pixel).
    public var borderFraction = 0.02
    /// A pixel is foreground when its distance to the background colour exceeds
    /// max(`minimumThreshold`, `spreadMultiplier` × the median border distance): the median is a
    /// robust scale of the background's noise that ignores the object where it touches the border.
    public var minimumThreshold = 0.1
    public var spreadMultiplier = 3.0
    /// A median border distance above this means the background is not plain.
    public var maximumBackgroundSpread = 0.12
    /// The object must cover between these fractions of the image.
    public var minimumObjectFraction = 0.001
    public var maximumObjectFraction = 0.95
    /// Alpha at or above this counts as opaque; an image opaque everywhere is cut by colour.
    public var opaqueAlpha: Float = 0.99

    public init() {}
}

/// An object separated from its background.
public struct Cutout: Equatable, Sendable {
    public enum Method: Equatable, Sendable {
        /// The image's own alpha channel.
        case alpha
        /// Distance to a plain background colour estimated from the border.
        case background(color: [Float], threshold: Double)
    }
    /// RGBA, straight alpha, colour 0 where transparent.
    public var image: Image
    /// Alpha > 0.5.
    public var mask: BinaryMask
    public var method: Method
}

/// Cuts the object out of a picture: its alpha channel when it has a transparent part, else by
/// separating it from a plain background (border colour, robust threshold, largest connected
/// part, holes filled). Refuses pictures with no object or no plain background.
public enum ObjectCutout {
    public static func cut(_ image: Image, file: String, options: CutoutOptions = .init()) throws -> Cutout {
        guard image.width >= 4, image.height >= 4 else {
            throw PipelineError.noObjectFound(file, reason: "the image is only \(image.width)×\(image.height) pixels")
        }
        let n = image.width * image.height
        if image.channels == 4, (0..<n).contains(where: { image.pixels[4 * $0 + 3] < options.opaqueAlpha }) {
            let mask = BinaryMask(width: image.width, height: image.height, bits: (0..<n).map { image.pixels[4 * $0 + 3] > 0.5 })
            try checkCoverage(mask, file: file, options: options, what: "the alpha channel")
            var pixels = image.pixels
            for i in 0..<n where pixels[4 * i + 3] <= 0 { pixels[4 * i] = 0; pixels[4 * i + 1] = 0; pixels[4 * i + 2] = 0 }
            return Cutout(image: Image(width: image.width, height: image.height, channels: 4, pixels: pixels), mask: mask, method: .alpha)
        }
        return try cutByBackground(image, file: file, options: options)
    }

    static func cutByBackground(_ image: Image, file: String, options: CutoutOptions) throws -> Cutout {
        let w = image.width, h = image.height, c = image.channels
        let band = max(1, Int(Double(min(w, h)) * options.borderFraction))
        var border: [Int] = []
        for y in 0..<h {
            for x in 0..<w where x < band || y < band || x >= w - band || y >= h - band { border.append(y * w + x) }
        }
        let color = (0..<3).map { k in median(border.map { image.pixels[$0 * c + k] }) }
        func distance(_ i: Int) -> Double {
            var sum: Float = 0
            for k in 0..<3 { let d = image.pixels[i * c + k] - color[k]; sum += d * d }
            return Double(sum.squareRoot())
        }
        let spread = Double(median(border.map { Float(distance($0)) }))
        guard spread <= options.maximumBackgroundSpread else {
            throw PipelineError.noObjectFound(file, reason: String(format:
                "the background is not plain (border colours differ from their median by %.2f on average); give a PNG with transparency or a photo on a plain background", spread))
        }
        let threshold = max(options.minimumThreshold, options.spreadMultiplier * spread)
        let raw = BinaryMask(width: w, height: h, bits: (0..<(w * h)).map { distance($0) > threshold })
        guard raw.count > 0 else {
            throw PipelineError.noObjectFound(file, reason: "every pixel matches the background colour; the image looks blank")
        }
        let mask = raw.largestComponent().filledHoles()
        try checkCoverage(mask, file: file, options: options, what: "the separated foreground")
        var pixels = [Float](repeating: 0, count: w * h * 4)
        for i in 0..<(w * h) where mask.bits[i] {
            for k in 0..<3 { pixels[4 * i + k] = image.pixels[i * c + k] }
            pixels[4 * i + 3] = 1
        }
        return Cutout(image: Image(width: w, height: h, channels: 4, pixels: pixels), mask: mask,
                      method: .background(color: color, threshold: threshold))
    }

    static func checkCoverage(_ mask: BinaryMask, file: String, options: CutoutOptions, what: String) throws {
        let fraction = Double(mask.count) / Double(mask.width * mask.height)
        if fraction < options.minimumObjectFraction {
            throw PipelineError.noObjectFound(file, reason: "\(what) covers " + String(format: "%.3f %%", 100 * fraction) + " of the image")
        }
        if fraction > options.maximumObjectFraction {
            throw PipelineError.noObjectFound(file, reason: "\(what) covers " + String(format: "%.1f %%", 100 * fraction) +
                " of the image, so no background is left to separate the object from")
        }
    }

    static func median(_ values: [Float]) -> Float {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
