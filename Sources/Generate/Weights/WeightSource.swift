/// Hands out a safetensors file's tensors by name and shape, and remembers which were taken, so a
/// file with tensors the config does not account for (a deeper model, say) is refused.
final class WeightSource {
    let file: SafeTensorsFile
    private var used: Set<String> = []

    init(_ file: SafeTensorsFile) { self.file = file }

    func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        used.insert(name)
        return try file.floats(name, shape: shape)
    }

    /// Throws on the first tensor no layer asked for.
    func checkAllUsed(configFile: String) throws {
        if let extra = file.names.first(where: { !used.contains($0) }) {
            throw GenerateError.badTensor(file: file.path, tensor: extra,
                                          reason: "not part of the model that \(configFile) describes (does the config match the weights?)")
        }
    }
}
