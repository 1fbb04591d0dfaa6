import CTensor
import Foundation

/// The orbit refiner of Tools/dit/refiner.py: a small residual convolutional net over each
/// generated view that trades the sampler's sharp wrong guesses and 8×8 patch edges for the
/// regression optimum. Per view its input is the view clamped to [-1, 1], the input image and the
/// view's camera features (constant planes); 3×3 convolutions (optionally dilated) with SiLU
/// between; the last one's output, times `strength`, is added to the clamped view.
public final class OrbitRefiner: @unchecked Sendable {
    public static let weightsName = "refiner.safetensors"
    public static let configName = "refiner.json"

    public let config: RefinerConfig
    let layers: [Conv3x3]

    public convenience init(weights: URL, config configURL: URL) throws {
        let config = try RefinerConfig(url: configURL)
        try self.init(weights: try SafeTensorsFile(url: weights), config: config, configName: configURL.path)
    }

    public init(weights file: SafeTensorsFile, config: RefinerConfig, configName: String = "refiner config") throws {
        try config.validate(file: configName)
        self.config = config
        let w = WeightSource(file)
        let sizes = [config.inputChannels] + Array(repeating: config.width, count: config.layers - 1) + [config.channels]
        layers = try (0..<config.layers).map { i in try Conv3x3(w, "conv.\(i)", input: sizes[i], output: sizes[i + 1], dilation: config.dilation(layer: i)) }
        try w.checkAllUsed(configFile: configName)
    }

    /// The refined clip, [views, channels, resolution, resolution], from the sampler's `clip` (same
    /// layout), the clean input `image` [channels, resolution, resolution] and the per-view
    /// `cameras` [views, 4]; all images in [-1, 1]. Views are refined on the cores in parallel.
    public func refine(clip: [Float], image: [Float], cameras: [Float], views: Int, resolution: Int) throws -> [Float] {
        let c = config.channels, f = config.cameraFeatures, plane = resolution * resolution
        guard views >= 1, resolution >= 1 else {
            throw GenerateError.invalidArgument(name: "views", reason: "need at least one view of at least 1 × 1 pixels")
        }
        guard clip.count == views * c * plane else {
            throw GenerateError.invalidArgument(name: "clip", reason: "\(clip.count) floats, \(views) views of \(c) × \(resolution)² take \(views * c * plane)")
        }
        guard image.count == c * plane else {
            throw GenerateError.invalidArgument(name: "image", reason: "\(image.count) floats, the refiner takes \(c * plane)")
        }
        guard cameras.count == views * f else {
            throw GenerateError.invalidArgument(name: "cameras", reason: "\(cameras.count) floats, the refiner takes \(views * f)")
        }
        let widest = max(config.inputChannels, config.width), strength = Float(config.strength)
        var out = [Float](repeating: 0, count: clip.count)
        out.withUnsafeMutableBufferPointer { outBuffer in
            let outBase = outBuffer.baseAddress!
            Parallel.ranges(views, cost: 1 << 20) { range in
                // Per worker: two activation buffers and the unfolded columns.
                var a = [Float](repeating: 0, count: widest * plane), b = a
                var columns = [Float](repeating: 0, count: widest * 9 * plane)
                for v in range {
                    let view = Array(clip[(v * c * plane)..<((v + 1) * c * plane)]).map { min(max($0, -1), 1) }
                    a.replaceSubrange(0..<(c * plane), with: view)
                    a.replaceSubrange((c * plane)..<(2 * c * plane), with: image)
                    for k in 0..<f {
                        let start = (2 * c + k) * plane
                        a.replaceSubrange(start..<(start + plane), with: repeatElement(cameras[v * f + k], count: plane))
                    }
                    for (i, layer) in layers.enumerated() {
                        a.withUnsafeBufferPointer { x in
                            b.withUnsafeMutableBufferPointer { y in
                                columns.withUnsafeMutableBufferPointer { col in
                                    layer.apply(x.baseAddress!, height: resolution, width: resolution,
                                                columns: col.baseAddress!, into: y.baseAddress!)
                                }
                                if i + 1 < layers.count { v2w_silu(y.baseAddress, layer.output * plane) }
                            }
                        }
                        swap(&a, &b)
                    }
                    let target = outBase + v * c * plane
                    for i in 0..<(c * plane) { target[i] = view[i] + strength * a[i] }
                }
            }
        }
        return out
    }
}
