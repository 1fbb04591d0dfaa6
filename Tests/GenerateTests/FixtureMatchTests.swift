import Media
import XCTest
@testable import Generate

/// The Swift DiT against the PyTorch reference (Tools/dit/make_fixture.py): same weights, same
/// inputs and noise, outputs within 1e-3.
final class FixtureMatchTests: XCTestCase {
    let tolerance: Float = 1e-3

    func testCameraFeaturesMatchPython() throws {
        let f = try Fixture()
        let az = try f.data.floats("relative_azimuth").map(Double.init)
        let el = try f.data.floats("relative_elevation").map(Double.init)
        let features = CameraConditioning.features(relativeAzimuths: az, relativeElevations: el)
        XCTAssertLessThan(maxAbsDifference(features, try f.data.floats("camera_features")), 1e-6)
    }

    func testDenoiserCallMatchesPyTorch() throws {
        let f = try Fixture()
        let model = try f.model()
        let t = try f.data.floats("t")[0]
        let out = try model.velocity(noisy: try f.data.floats("noise"), t: t, image: try f.imageTensor(),
                                     cameras: try f.data.floats("camera_features"))
        let expected = try f.data.floats("denoise_cond")
        let diff = maxAbsDifference(out, expected)
        XCTAssertLessThan(diff, tolerance, "conditional denoiser differs from PyTorch by \(diff)")
    }

    func testDenoiserWithNullInputMatchesPyTorch() throws {
        let f = try Fixture()
        let out = try f.model().velocity(noisy: try f.data.floats("noise"), t: try f.data.floats("t")[0],
                                         image: try f.imageTensor(), cameras: try f.data.floats("camera_features"),
                                         dropInput: true)
        let expected = try f.data.floats("denoise_drop")
        XCTAssertLessThan(maxAbsDifference(out, expected), tolerance)
        // The null token must matter: the conditional output is far from this one.
        XCTAssertGreaterThan(maxAbsDifference(expected, try f.data.floats("denoise_cond")), 0.05)
    }

    func testFullAttentionDenoiserMatchesPyTorch() throws {
        let f = try Fixture()
        let out = try f.model(attention: .full).velocity(noisy: try f.data.floats("noise"), t: try f.data.floats("t")[0],
                                                         image: try f.imageTensor(), cameras: try f.data.floats("camera_features"))
        XCTAssertLessThan(maxAbsDifference(out, try f.data.floats("denoise_full")), tolerance)
    }

    func testFullSampleWithGuidanceMatchesPyTorch() throws {
        let f = try Fixture()
        XCTAssertEqual(f.data.metadata["steps"], "4")
        let sampler = FlowSampler(model: try f.model())
        let out = try sampler.sample(noise: try f.data.floats("noise"), image: try f.imageTensor(),
                                     cameras: try f.data.floats("camera_features"), steps: 4, guidance: f.config.guidance)
        let diff = maxAbsDifference(out, try f.data.floats("sample"))
        XCTAssertLessThan(diff, tolerance, "4-step CFG sample differs from PyTorch by \(diff)")
    }

    func testFullAttentionSampleMatchesPyTorch() throws {
        let f = try Fixture()
        let out = try FlowSampler(model: try f.model(attention: .full))
            .sample(noise: try f.data.floats("noise"), image: try f.imageTensor(),
                    cameras: try f.data.floats("camera_features"), steps: 4, guidance: f.config.guidance)
        XCTAssertLessThan(maxAbsDifference(out, try f.data.floats("sample_full")), tolerance)
    }

    /// Same weights read as an x0-predictor: the network's output becomes v = (x_t − x₀) / t.
    func testX0PredictionMatchesPyTorch() throws {
        let f = try Fixture()
        let model = try f.model(prediction: .x0)
        let noise = try f.data.floats("noise"), image = try f.imageTensor(), cameras = try f.data.floats("camera_features")
        let v = try model.velocity(noisy: noise, t: try f.data.floats("t")[0], image: image, cameras: cameras)
        XCTAssertLessThan(maxAbsDifference(v, try f.data.floats("denoise_x0")), tolerance)
        let x = try FlowSampler(model: model).sample(noise: noise, image: image, cameras: cameras, steps: 4,
                                                     guidance: f.config.guidance)
        XCTAssertLessThan(maxAbsDifference(x, try f.data.floats("sample_x0")), tolerance)
    }

    /// The x0-predictor from tempered noise with a clean-view readout (config noise_scale / readout_t).
    func testTemperedSampleWithReadoutMatchesPyTorch() throws {
        let f = try Fixture()
        let scale = try XCTUnwrap(f.data.metadata["tempered_noise_scale"].flatMap(Double.init))
        let readout = try XCTUnwrap(f.data.metadata["tempered_readout_t"].flatMap(Double.init))
        let x = try FlowSampler(model: try f.model(prediction: .x0))
            .sample(noise: try f.data.floats("noise"), image: try f.imageTensor(), cameras: try f.data.floats("camera_features"),
                    steps: 4, guidance: f.config.guidance, noiseScale: scale, readoutTime: readout)
        let expected = try f.data.floats("sample_tempered")
        XCTAssertLessThan(maxAbsDifference(x, expected), tolerance)
        // The settings must matter: the plain sample is far from this one.
        XCTAssertGreaterThan(maxAbsDifference(expected, try f.data.floats("sample_x0")), 0.05)
    }

    /// The public API end to end: Image in (pixels as Media holds them), images out, equal to the
    /// PyTorch sample mapped to [0, 1].
    func testOrbitGeneratorMatchesPyTorchSample() throws {
        let f = try Fixture()
        let r = f.config.resolution, c = f.config.channels
        let image = Image(width: r, height: r, channels: c, pixels: try f.data.floats("image", shape: [r, r, c]))
        let elevation = Double(try f.data.floats("relative_elevation")[0])
        let azimuths = try f.data.floats("relative_azimuth").map(Double.init)
        let generator = OrbitGenerator(model: try f.model())
        let views = try generator.generate(image: image, azimuths: azimuths, elevation: elevation,
                                           noise: try f.data.floats("noise"), steps: 4)
        XCTAssertEqual(views.count, f.config.views)
        let sample = try f.data.floats("sample")
        let plane = r * r
        var diff: Float = 0
        for (v, view) in views.enumerated() {
            XCTAssertEqual(view.width, r); XCTAssertEqual(view.height, r); XCTAssertEqual(view.channels, c)
            for k in 0..<c {
                for i in 0..<plane {
                    let expected = min(max((sample[(v * c + k) * plane + i] + 1) / 2, 0), 1)
                    diff = max(diff, abs(view.pixels[i * c + k] - expected))
                }
            }
        }
        XCTAssertLessThan(diff, tolerance)
    }

    func testWeightsForAnotherConfigAreRefused() throws {
        let f = try Fixture()
        var shallower = f.config
        shallower.depth = 1
        XCTAssertThrowsError(try DiTModel(weights: f.weights, config: shallower)) { error in
            XCTAssertTrue("\(error)".contains("blocks.1"), "\(error)")
        }
        var wider = f.config
        wider.width = 64
        XCTAssertThrowsError(try DiTModel(weights: f.weights, config: wider)) { error in
            guard case let GenerateError.badTensor(file, tensor, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("model.safetensors"))
            XCTAssertEqual(tensor, "target_embed.weight")
            XCTAssertTrue(reason.contains("shape"), reason)
        }
    }
}
