import Foundation
import XCTest
@testable import Generate

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
let ditFixture = fixtures.appendingPathComponent("dit")

func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-generate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A safetensors file written by hand (independent of the reader): header JSON text and data bytes.
func writeSafeTensors(header: String, data: [UInt8], to url: URL, declaredLength: UInt64? = nil) throws {
    let json = Array(header.utf8)
    var bytes: [UInt8] = []
    let n = declaredLength ?? UInt64(json.count)
    for k in 0..<8 { bytes.append(UInt8((n >> (8 * UInt64(k))) & 0xFF)) }
    try Data(bytes + json + data).write(to: url)
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in let b = v.bitPattern; return (0..<4).map { UInt8((b >> (8 * UInt32($0))) & 0xFF) } }
}

/// The PyTorch fixture: model, config and the tensors make_fixture.py saved.
struct Fixture {
    let weights: SafeTensorsFile
    let config: DiTConfig
    let data: SafeTensorsFile

    init() throws {
        weights = try SafeTensorsFile(url: ditFixture.appendingPathComponent("model.safetensors"))
        config = try DiTConfig(url: ditFixture.appendingPathComponent("config.json"))
        data = try SafeTensorsFile(url: ditFixture.appendingPathComponent("fixture.safetensors"))
    }

    func model(attention: DiTConfig.Attention? = nil, prediction: DiTConfig.Prediction? = nil) throws -> DiTModel {
        var c = config
        if let attention { c.attention = attention }
        if let prediction { c.prediction = prediction }
        return try DiTModel(weights: weights, config: c)
    }

    /// The input image as the model takes it: [C, H, W] in [-1, 1].
    func imageTensor() throws -> [Float] {
        let r = config.resolution, c = config.channels
        let hwc = try data.floats("image", shape: [r, r, c])
        var out = [Float](repeating: 0, count: hwc.count)
        for i in 0..<(r * r) { for k in 0..<c { out[k * r * r + i] = 2 * hwc[i * c + k] - 1 } }
        return out
    }
}
