import Geometry
import Media
import XCTest
@testable import Generate

final class SamplerTests: XCTestCase {
    func testSameSeedSameViewsOtherSeedOtherViews() throws {
        let f = try Fixture()
        let generator = OrbitGenerator(model: try f.model())
        let image = Image(width: 20, height: 16, channels: 3, fill: 0.3)  // resampled and given alpha 1
        let azimuths = [0.0, 90]
        let a = try generator.generate(image: image, azimuths: azimuths, elevation: 5, steps: 3, seed: 7)
        let b = try generator.generate(image: image, azimuths: azimuths, elevation: 5, steps: 3, seed: 7)
        let c = try generator.generate(image: image, azimuths: azimuths, elevation: 5, steps: 3, seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.map(\.pixels), c.map(\.pixels))
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(a[0].channels, 4)
    }

    /// `samples` clips from independent noise, averaged before the views are made: the first from
    /// the seed itself (one sample is what it always was), the mean as computed by hand from the
    /// sampler's own clips.
    func testSamplesAreAveragedFromIndependentNoise() throws {
        let f = try Fixture()
        var config = f.config
        config.samples = 3
        let model = try DiTModel(weights: f.weights, config: config)
        let generator = OrbitGenerator(model: model), sampler = FlowSampler(model: model)
        let image = Image(width: 20, height: 16, channels: 3, fill: 0.3)
        let azimuths = [0.0, 90]
        XCTAssertEqual(OrbitGenerator.sampleSeed(7, 0), 7)
        let seeds = (0..<3).map { OrbitGenerator.sampleSeed(7, $0) }
        XCTAssertEqual(Set(seeds).count, 3)
        let input = ImageTensor.tensor(from: image, channels: config.channels, resolution: config.resolution)
        let cameras = CameraConditioning.features(relativeAzimuths: azimuths, relativeElevations: [5, 5])
        let clips = try seeds.map {
            try sampler.sample(noise: sampler.noise(seed: $0), image: input, cameras: cameras, steps: 3,
                               guidance: config.guidance, noiseScale: config.noiseScale, readoutTime: config.readoutTime)
        }
        let mean = (0..<clips[0].count).map { i in (clips[0][i] + clips[1][i] + clips[2][i]) * (1 / Float(3)) }
        let expected = ImageTensor.images(from: mean, views: 2, channels: config.channels, resolution: config.resolution)
        let views = try generator.generate(image: image, azimuths: azimuths, elevation: 5, steps: 3, seed: 7)
        // Several samples run side by side with single-threaded BLAS, whose sums may round apart
        // from the threaded library's in the last bits.
        XCTAssertLessThan(maxAbsDifference(views.flatMap(\.pixels), expected.flatMap(\.pixels)), 1e-5)
        let first = ImageTensor.images(from: clips[0], views: 2, channels: config.channels, resolution: config.resolution)
        XCTAssertGreaterThan(maxAbsDifference(views.flatMap(\.pixels), first.flatMap(\.pixels)), 1e-3)
        // Identical noise averages to the one sample; the same noise twice gives the same bits.
        let noise = sampler.noise(seed: 7)
        let once = try generator.generate(image: image, azimuths: azimuths, elevation: 5, noise: noise, steps: 3)
        let twice = try generator.generate(image: image, azimuths: azimuths, elevation: 5, noises: [noise, noise], steps: 3)
        XCTAssertLessThan(maxAbsDifference(once.flatMap(\.pixels), twice.flatMap(\.pixels)), 1e-5)
        XCTAssertEqual(once, first)
        XCTAssertEqual(twice, try generator.generate(image: image, azimuths: azimuths, elevation: 5, noises: [noise, noise],
                                                     steps: 3))
        XCTAssertThrowsError(try generator.generate(image: image, azimuths: azimuths, elevation: 5, noises: [], steps: 3))
    }

    func testNoiseIsStandardNormalFromTheSeed() throws {
        let sampler = FlowSampler(model: try Fixture().model())
        let n = sampler.noise(seed: 3)
        XCTAssertEqual(n, sampler.noise(seed: 3))
        XCTAssertEqual(n.count, 2 * 4 * 12 * 12)
        let mean = n.reduce(0, +) / Float(n.count)
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(n.count)
        XCTAssertEqual(mean, 0, accuracy: 0.1)
        XCTAssertEqual(variance, 1, accuracy: 0.15)
    }

    /// With guidance 1 the sampler is plain Euler on the conditional velocity: check one step by hand.
    func testOneEulerStepIsNoisePlusVelocityTimesStep() throws {
        let f = try Fixture()
        let model = try f.model()
        let noise = try f.data.floats("noise"), image = try f.imageTensor(), cameras = try f.data.floats("camera_features")
        let v = try model.velocity(noisy: noise, t: 1, image: image, cameras: cameras)
        let x = try FlowSampler(model: model).sample(noise: noise, image: image, cameras: cameras, steps: 1, guidance: 1)
        XCTAssertLessThan(maxAbsDifference(x, zip(noise, v).map { $0 - $1 }), 1e-6)
    }

    /// One step to the readout time r, then the readout: x₁ = s·ε + (r − 1)·v(s·ε, 1), out = x₁ − r·v(x₁, r).
    func testTemperedStepAndReadoutByHand() throws {
        let f = try Fixture()
        let model = try f.model(prediction: .x0)
        let noise = try f.data.floats("noise"), image = try f.imageTensor(), cameras = try f.data.floats("camera_features")
        let s: Float = 0.6, r: Float = 0.25
        let start = noise.map { $0 * s }
        let v1 = try model.velocity(noisy: start, t: 1, image: image, cameras: cameras)
        let x1 = zip(start, v1).map { $0 + (r - 1) * $1 }
        let vr = try model.velocity(noisy: x1, t: r, image: image, cameras: cameras)
        let expected = zip(x1, vr).map { $0 - r * $1 }
        let x = try FlowSampler(model: model).sample(noise: noise, image: image, cameras: cameras, steps: 1, guidance: 1,
                                                     noiseScale: Double(s), readoutTime: Double(r))
        XCTAssertLessThan(maxAbsDifference(x, expected), 1e-5)
        XCTAssertThrowsError(try FlowSampler(model: model).sample(noise: noise, image: image, cameras: cameras, steps: 1,
                                                                  guidance: 1, readoutTime: 1))
        XCTAssertThrowsError(try FlowSampler(model: model).sample(noise: noise, image: image, cameras: cameras, steps: 1,
                                                                  guidance: 1, noiseScale: 0))
    }

    /// The cameras sit where data.py put the training cameras: radius 3.2 from the origin, 20° up,
    /// azimuth 90° on +x; each looks at the object.
    func testCamerasFollowTheTrainingRig() throws {
        let generator = OrbitGenerator(model: try Fixture().model())
        let cameras = generator.cameras(azimuths: [0, 90])
        let elevation = 20.0 * Double.pi / 180
        let expected: [Vec3] = [Vec3(0, 3.2 * sin(elevation), 3.2 * cos(elevation)),
                                Vec3(3.2 * cos(elevation), 3.2 * sin(elevation), 0)]
        for (camera, centre) in zip(cameras, expected) {
            XCTAssertLessThan(length(camera.pose.center - centre), 1e-9)
            let origin = camera.pose.apply(Vec3(0, 0, 0))  // the object centre in camera space
            XCTAssertEqual(origin.x, 0, accuracy: 1e-9); XCTAssertEqual(origin.y, 0, accuracy: 1e-9)
            XCTAssertEqual(origin.z, 3.2, accuracy: 1e-9)
            XCTAssertEqual(camera.width, 12)
        }
    }

    func testBadArgumentsAreRefused() throws {
        let f = try Fixture()
        let generator = OrbitGenerator(model: try f.model())
        let image = Image(width: 12, height: 12, channels: 4)
        XCTAssertThrowsError(try generator.generate(image: image, azimuths: [0, 90, 180], elevation: 0, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("3 views asked, the model makes 2"), "\(error)")
        }
        XCTAssertThrowsError(try generator.generate(image: image, azimuths: [0, 90], elevation: 0, steps: 0, seed: 1))
        XCTAssertThrowsError(try generator.generate(image: image, azimuths: [0, .nan], elevation: 0, seed: 1))
        XCTAssertThrowsError(try f.model().velocity(noisy: [1, 2], t: 0.5, image: [], cameras: []))
    }
}
