import Foundation
import Media
import XCTest
@testable import Generate

/// The committed checkpoint (Sources/Generate/Resources/orbit-dit) against PyTorch on one held-out
/// object: same weights, same noise, a 4-step guided sample (Tools/dit/make_fixture.py --shipped),
/// and that sample through the committed refiner (make_refiner_fixture.py --shipped).
final class ShippedModelTests: XCTestCase {
    let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Generate/Resources/orbit-dit")

    func testShippedCheckpointMatchesPyTorchSample() throws {
        let generator = try OrbitGenerator(weights: shipped.appendingPathComponent("model.safetensors"),
                                           config: shipped.appendingPathComponent("config.json"))
        let c = generator.model.config
        let data = try SafeTensorsFile(url: fixtures.appendingPathComponent("orbit-dit-sample.safetensors"))
        let r = c.resolution, channels = c.channels
        let image = Image(width: r, height: r, channels: channels,
                          pixels: try data.floats("image", shape: [r, r, channels]))
        let azimuths = try data.floats("relative_azimuth").map(Double.init)
        let elevation = Double(try data.floats("relative_elevation")[0])
        let views = try generator.generate(image: image, azimuths: azimuths, elevation: elevation,
                                           noise: try data.floats("noise"), steps: 4)
        let sample = try data.floats("sample", shape: [c.views, channels, r, r])
        let plane = r * r
        var diff: Float = 0
        for (v, view) in views.enumerated() {
            for k in 0..<channels {
                for i in 0..<plane {
                    let expected = min(max((sample[(v * channels + k) * plane + i] + 1) / 2, 0), 1)
                    diff = max(diff, abs(view.pixels[i * channels + k] - expected))
                }
            }
        }
        XCTAssertEqual(views.count, c.views)
        XCTAssertLessThan(diff, 1e-3)
        // A trained model draws an object: some pixels opaque, some transparent in every view.
        for view in views {
            let alpha = stride(from: channels - 1, to: view.pixels.count, by: channels).map { view.pixels[$0] }
            XCTAssertGreaterThan(alpha.filter { $0 > 0.5 }.count, plane / 50)
            XCTAssertGreaterThan(alpha.filter { $0 < 0.5 }.count, plane / 4)
        }
    }

    /// The shipped folder as the CLI loads it (model + refiner) against PyTorch: the same sample,
    /// refined (Tools/dit/make_refiner_fixture.py --shipped).
    func testShippedRefinerMatchesPyTorch() throws {
        let generator = try OrbitGenerator(weights: OrbitWeights(folder: shipped))
        let refiner = try XCTUnwrap(generator.refiner)
        let c = generator.model.config, r = c.resolution, channels = c.channels
        let data = try SafeTensorsFile(url: fixtures.appendingPathComponent("orbit-dit-sample.safetensors"))
        let expected = try SafeTensorsFile(url: fixtures.appendingPathComponent("orbit-refiner-sample.safetensors"))
        XCTAssertEqual(expected.metadata["strength"].flatMap(Double.init), refiner.config.strength)
        let image = Image(width: r, height: r, channels: channels, pixels: try data.floats("image", shape: [r, r, channels]))
        let views = try generator.generate(image: image, azimuths: try data.floats("relative_azimuth").map(Double.init),
                                           elevation: Double(try data.floats("relative_elevation")[0]),
                                           noise: try data.floats("noise"), steps: 4)
        let refined = try expected.floats("refined", shape: [c.views, channels, r, r])
        let sample = try data.floats("sample")
        let plane = r * r
        var diff: Float = 0, change: Float = 0
        for (v, view) in views.enumerated() {
            for k in 0..<channels {
                for i in 0..<plane {
                    let j = (v * channels + k) * plane + i
                    let want = min(max((refined[j] + 1) / 2, 0), 1)
                    diff = max(diff, abs(view.pixels[i * channels + k] - want))
                    change = max(change, abs(want - min(max((sample[j] + 1) / 2, 0), 1)))
                }
            }
        }
        XCTAssertLessThan(diff, 1e-3)
        XCTAssertGreaterThan(change, 0.02, "the refiner should change the sample")
    }
}
