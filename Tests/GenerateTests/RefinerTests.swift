import Foundation
import Geometry
import Media
import XCTest
@testable import Generate

let refinerFixture = fixtures.appendingPathComponent("refiner")

/// The Swift refiner against PyTorch (Tools/dit/make_refiner_fixture.py) and its error paths.
final class RefinerTests: XCTestCase {
    func fixtureRefiner() throws -> OrbitRefiner {
        try OrbitRefiner(weights: refinerFixture.appendingPathComponent(OrbitRefiner.weightsName),
                         config: refinerFixture.appendingPathComponent(OrbitRefiner.configName))
    }

    func testRefinerMatchesPyTorch() throws {
        let refiner = try fixtureRefiner()
        let data = try SafeTensorsFile(url: refinerFixture.appendingPathComponent("fixture.safetensors"))
        let views = try XCTUnwrap(data.metadata["views"].flatMap(Int.init))
        let clip = try data.floats("clip")
        let out = try refiner.refine(clip: clip, image: try data.floats("image"), cameras: try data.floats("cameras"),
                                     views: views, resolution: refiner.config.resolution)
        let expected = try data.floats("refined")
        let diff = maxAbsDifference(out, expected)
        XCTAssertLessThan(diff, 1e-3, "refined clip differs from PyTorch by \(diff)")
        // The refiner must do something: the output is far from the clamped input.
        let clamped = clip.map { min(max($0, -1), 1) }
        XCTAssertGreaterThan(maxAbsDifference(expected, clamped), 0.1)
        // Strength scales the residual: at 0.4 (half the fixture's 0.8) the change is half.
        XCTAssertEqual(refiner.config.strength, 0.8)
        var half = refiner.config
        half.strength = 0.4
        let weaker = try OrbitRefiner(weights: try SafeTensorsFile(url: refinerFixture.appendingPathComponent(OrbitRefiner.weightsName)), config: half)
        let halfOut = try weaker.refine(clip: clip, image: try data.floats("image"), cameras: try data.floats("cameras"), views: views, resolution: 12)
        let predicted = zip(clamped, expected).map { $0 + ($1 - $0) / 2 }
        XCTAssertLessThan(maxAbsDifference(halfOut, predicted), 1e-5)
    }

    /// The unfolded GEMM against the convolution written as a direct sum (non-square, so rows and
    /// columns cannot be swapped unnoticed), with the padding at every border, plain and dilated.
    func testConvolutionMatchesDirectSum() throws {
        for dilation in [1, 2] { try checkConvolution(dilation: dilation) }
    }

    func checkConvolution(dilation d: Int) throws {
        let input = 3, output = 2, h = 5, w = 7
        var rng = SeededGenerator(seed: 11)
        let weight = (0..<(output * input * 9)).map { _ in Float(rng.nextDouble(in: -1, 1)) }
        let bias = (0..<output).map { _ in Float(rng.nextDouble(in: -1, 1)) }
        let x = (0..<(input * h * w)).map { _ in Float(rng.nextDouble(in: -1, 1)) }
        let file = try writeFile(["c.weight": ([output, input, 3, 3], weight), "c.bias": ([output], bias)])
        let conv = try Conv3x3(WeightSource(SafeTensorsFile(url: file)), "c", input: input, output: output, dilation: d)
        var columns = [Float](repeating: .nan, count: input * 9 * h * w), y = [Float](repeating: .nan, count: output * h * w)
        x.withUnsafeBufferPointer { xp in
            columns.withUnsafeMutableBufferPointer { cp in
                y.withUnsafeMutableBufferPointer { conv.apply(xp.baseAddress!, height: h, width: w, columns: cp.baseAddress!, into: $0.baseAddress!) }
            }
        }
        var expected = [Float](repeating: 0, count: output * h * w)
        for o in 0..<output {
            for r in 0..<h {
                for c in 0..<w {
                    var sum = Double(bias[o])
                    for i in 0..<input {
                        for dy in -1...1 {
                            for dx in -1...1 where (0..<h).contains(r + d * dy) && (0..<w).contains(c + d * dx) {
                                let k: Int = ((o * input + i) * 3 + dy + 1) * 3 + dx + 1
                                let p: Int = (i * h + r + d * dy) * w + c + d * dx
                                sum += Double(weight[k]) * Double(x[p])
                            }
                        }
                    }
                    expected[(o * h + r) * w + c] = Float(sum)
                }
            }
        }
        XCTAssertLessThan(maxAbsDifference(y, expected), 1e-5, "dilation \(d)")
    }

    /// The generator applies the refiner to the sampler's clip (fixture DiT + fixture refiner, both
    /// 12 px RGBA).
    func testGeneratorRefinesTheSampledClip() throws {
        let f = try Fixture()
        let refiner = try fixtureRefiner()
        let model = try f.model()
        let r = f.config.resolution, c = f.config.channels, v = f.config.views
        let image = Image(width: r, height: r, channels: c, pixels: try f.data.floats("image", shape: [r, r, c]))
        let azimuths = (0..<v).map { Double($0) * 360 / Double(v) }
        let noise = try f.data.floats("noise")
        let refined = try OrbitGenerator(model: model, refiner: refiner)
            .generate(image: image, azimuths: azimuths, elevation: 5, noise: noise, steps: 2)
        let cameras = CameraConditioning.features(relativeAzimuths: azimuths, relativeElevations: Array(repeating: 5, count: v))
        let input = try f.imageTensor()
        let clip = try FlowSampler(model: model).sample(noise: noise, image: input, cameras: cameras, steps: 2, guidance: f.config.guidance)
        let expected = ImageTensor.images(from: try refiner.refine(clip: clip, image: input, cameras: cameras, views: v, resolution: r),
                                          views: v, channels: c, resolution: r)
        XCTAssertEqual(refined.count, v)
        for (a, b) in zip(refined, expected) { XCTAssertLessThan(maxAbsDifference(a.pixels, b.pixels), 1e-5) }
        let plain = try OrbitGenerator(model: model).generate(image: image, azimuths: azimuths, elevation: 5, noise: noise, steps: 2)
        XCTAssertGreaterThan(maxAbsDifference(plain[0].pixels, refined[0].pixels), 0.05)
    }

    func testBadRefinerFilesGiveClearErrors() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent(OrbitRefiner.weightsName)
        let config = folder.appendingPathComponent(OrbitRefiner.configName)
        let good = try Data(contentsOf: refinerFixture.appendingPathComponent(OrbitRefiner.configName))
        XCTAssertTrue(String(decoding: good, as: UTF8.self).contains("dilations"))

        // A DiT config.json given as the refiner's.
        try FileManager.default.copyItem(at: ditFixture.appendingPathComponent("config.json"), to: config)
        try FileManager.default.copyItem(at: refinerFixture.appendingPathComponent(OrbitRefiner.weightsName), to: weights)
        XCTAssertThrowsError(try OrbitRefiner(weights: weights, config: config)) { error in
            guard case let GenerateError.badConfig(file, field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, config.path)
            XCTAssertEqual(field, "format")
        }
        func write(_ fields: String) throws {
            try Data("{\"format\": \"vid2world-orbit-refiner\", \"channels\": 4, \"resolution\": 12, \(fields)}".utf8).write(to: config)
        }
        // One more layer than the weights hold: the last layer's shape is wrong, said by name.
        try write("\"width\": 8, \"layers\": 4")
        XCTAssertThrowsError(try OrbitRefiner(weights: weights, config: config)) { error in
            XCTAssertEqual(error as? GenerateError,
                           .badTensor(file: weights.path, tensor: "conv.2.weight", reason: "shape [4, 8, 3, 3], expected [8, 8, 3, 3]"))
        }
        // One layer fewer: the weights hold a tensor the config does not account for.
        try write("\"width\": 8, \"layers\": 2")
        XCTAssertThrowsError(try OrbitRefiner(weights: weights, config: config)) { error in
            guard case let GenerateError.badTensor(_, tensor, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(tensor, "conv.1.weight")
        }
        // A wider config: the first weight's shape is wrong.
        try write("\"width\": 16, \"layers\": 3")
        XCTAssertThrowsError(try OrbitRefiner(weights: weights, config: config)) { error in
            guard case let GenerateError.badTensor(_, tensor, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(tensor, "conv.0.weight")
            XCTAssertTrue(reason.contains("shape"), reason)
        }
        // Fields that cannot describe a refiner.
        for (fields, field) in [("\"width\": -8, \"layers\": 3", "width"), ("\"width\": 8, \"layers\": 3, \"strength\": -1", "strength"), ("\"width\": 8, \"layers\": 3, \"dilations\": [1, 2]", "dilations"),
                                ("\"width\": 8, \"layers\": 3, \"dilations\": \"2\"", "dilations"), ("\"width\": 8.5, \"layers\": 3", "width")] {
            try write(fields)
            XCTAssertThrowsError(try OrbitRefiner(weights: weights, config: config)) { error in
                guard case let GenerateError.badConfig(_, name, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(name, field, fields)
            }
        }
        // Right sizes, dilation left out: it loads (dilation has no weights), and its output differs
        // from PyTorch's (so the fixture's match shows the dilation is applied).
        try write("\"width\": 8, \"layers\": 3, \"strength\": 0.8")
        let undilated = try OrbitRefiner(weights: weights, config: config)
        let data = try SafeTensorsFile(url: refinerFixture.appendingPathComponent("fixture.safetensors"))
        let out = try undilated.refine(clip: try data.floats("clip"), image: try data.floats("image"),
                                       cameras: try data.floats("cameras"), views: 3, resolution: 12)
        XCTAssertGreaterThan(maxAbsDifference(out, try data.floats("refined")), 0.01)
        // Truncated weights.
        try good.write(to: config)
        try Data(try Data(contentsOf: weights).prefix(100)).write(to: weights)
        XCTAssertThrowsError(try OrbitRefiner(weights: weights, config: config)) { error in
            XCTAssertTrue("\(error)".hasPrefix(weights.path), "\(error)")
        }
    }

    /// A weights folder: no refiner files → none; one of the two → an error naming both; a
    /// refiner for another view size than the model's → refused by the generator.
    func testWeightsFolderRefiner() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = OrbitWeights(folder: folder)
        XCTAssertNil(try weights.refiner())
        try FileManager.default.copyItem(at: refinerFixture.appendingPathComponent(OrbitRefiner.configName), to: weights.refinerConfig)
        XCTAssertThrowsError(try weights.refiner()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(weights.refinerWeights.path) && text.contains(OrbitRefiner.configName), text)
        }
        try FileManager.default.copyItem(at: refinerFixture.appendingPathComponent(OrbitRefiner.weightsName), to: weights.refinerWeights)
        let refiner = try XCTUnwrap(try weights.refiner())
        XCTAssertEqual(refiner.config.width, 8)

        var smaller = try Fixture().config
        smaller.resolution = 6
        let model = try DiTModel(weights: try Fixture().weights, config: smaller)
        XCTAssertThrowsError(try OrbitGenerator(model: model, refiner: refiner)) { error in
            guard case let GenerateError.badConfig(_, field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "resolution")
        }
    }

    /// A float32 safetensors file of the given tensors, written by the tests' own writer.
    func writeFile(_ tensors: [String: ([Int], [Float])]) throws -> URL {
        var header: [String] = [], data: [UInt8] = []
        for (name, (shape, values)) in tensors.sorted(by: { $0.key < $1.key }) {
            header.append("\"\(name)\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(data.count), \(data.count + 4 * values.count)]}")
            data += floatBytes(values)
        }
        let url = try makeTemporaryDirectory().appendingPathComponent("conv.safetensors")
        try writeSafeTensors(header: "{" + header.joined(separator: ", ") + "}", data: data, to: url)
        return url
    }
}
