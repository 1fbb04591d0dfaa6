import Foundation
import Geometry

/// A small DiT with random weights, written as Tools/dit/export.py would (model.safetensors +
/// config.json), so the orbit route can run end to end without a trained checkpoint.
enum TinyOrbitModel {
    static let resolution = 16, views = 4, width = 32, depth = 2, heads = 2, patch = 4, channels = 4, frequencyDim = 32

    static func write(to folder: URL, seed: UInt64 = 5) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = """
        {"resolution": \(resolution), "channels": \(channels), "patch": \(patch), "views": \(views), "width": \(width),
         "depth": \(depth), "heads": \(heads), "mlp_ratio": 2.0, "attention": "factorised", "prediction": "x0",
         "camera_features": 4, "frequency_dim": \(frequencyDim), "guidance": 1.5, "steps": 3,
         "camera_radius": 3.2, "camera_fov": 40.0, "orbit_elevation": 20.0}
        """
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))

        // Names and shapes as DiTModel reads them (PyTorch Linear: weight [out, in], bias [out]).
        let d = width, p = patch * patch * channels, hidden = 2 * width
        var tensors: [(String, [Int])] = []
        func linear(_ name: String, _ input: Int, _ output: Int) {
            tensors += [("\(name).weight", [output, input]), ("\(name).bias", [output])]
        }
        linear("target_embed", p, d)
        linear("input_embed", p, d)
        tensors.append(("null_input", [d]))
        linear("time_mlp.0", frequencyDim, d); linear("time_mlp.2", d, d)
        linear("camera_mlp.0", 4, d); linear("camera_mlp.2", d, d)
        for i in 0..<depth {
            linear("blocks.\(i).attn.qkv", d, 3 * d); linear("blocks.\(i).attn.proj", d, d)
            linear("blocks.\(i).mlp.0", d, hidden); linear("blocks.\(i).mlp.2", hidden, d)
            linear("blocks.\(i).adaLN.1", d, 6 * d)
        }
        linear("final.adaLN.1", d, 2 * d)
        linear("final.linear", d, p)
        try writeRandom(tensors, seed: seed, to: folder.appendingPathComponent("model.safetensors"))
    }

    /// A random-weight orbit refiner (Tools/dit/refiner.py's files) for the tiny model's views.
    static func writeRefiner(to folder: URL, width: Int = 4, layers: Int = 2, seed: UInt64 = 6) throws {
        let config = """
        {"format": "vid2world-orbit-refiner", "channels": \(channels), "camera_features": 4, "width": \(width),
         "layers": \(layers), "resolution": \(resolution)}
        """
        try Data(config.utf8).write(to: folder.appendingPathComponent("refiner.json"))
        let sizes = [2 * channels + 4] + Array(repeating: width, count: layers - 1) + [channels]
        var tensors: [(String, [Int])] = []
        for i in 0..<layers {
            tensors.append(("conv.\(i).weight", [sizes[i + 1], sizes[i], 3, 3]))
            tensors.append(("conv.\(i).bias", [sizes[i + 1]]))
        }
        try writeRandom(tensors, seed: seed, to: folder.appendingPathComponent("refiner.safetensors"))
    }

    /// Float32 tensors uniform in ±1/√(last dimension), in a safetensors file written by hand.
    private static func writeRandom(_ tensors: [(String, [Int])], seed: UInt64, to url: URL) throws {
        var rng = SeededGenerator(seed: seed)
        var header: [String] = [], data = Data()
        for (name, shape) in tensors {
            let count = shape.reduce(1, *)
            let scale = 1 / Double(shape.last!).squareRoot()
            header.append("\"\(name)\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(data.count), \(data.count + 4 * count)]}")
            for _ in 0..<count {
                let value = Float(rng.nextDouble(in: -scale, scale))
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        let json = Data(("{" + header.joined(separator: ", ") + "}").utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(data)
        try file.write(to: url)
    }
}
