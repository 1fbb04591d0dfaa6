import Foundation
import Geometry
import XCTest
@testable import Splats

final class TrainerTests: XCTestCase {
    private func makeTrainer(_ views: [TrainingView], strategy: DensificationStrategy, seed: UInt64 = 3,
                             exposure: Bool = true, maxSplats: Int = 400) throws -> Trainer {
        var settings = TrainerSettings()
        settings.iterations = 60
        settings.shDegree = 1
        settings.shDegreeInterval = 20
        settings.maxSplats = maxSplats
        settings.exposureCompensation = exposure
        settings.seed = seed
        settings.threads = 2
        var rng = SeededGenerator(seed: 99)
        let initial = try SplatInitializer.random(count: 150, cameras: views.map(\.camera), shDegree: 1, rng: &rng)
        return try Trainer(views: views, initialCloud: initial, settings: settings, strategy: strategy)
    }

    private func adc() throws -> AdaptiveDensityControl {
        var s = AdaptiveDensityControl.Settings()
        s.start = 10
        s.every = 10
        s.stop = 50
        s.opacityResetEvery = 30
        s.gradientThreshold = 1e-5
        return try AdaptiveDensityControl(settings: s)
    }

    private func mcmc() throws -> MCMCStrategy {
        var s = MCMCStrategy.Settings()
        s.start = 10
        s.every = 10
        s.minOpacity = 0.05
        return try MCMCStrategy(settings: s)
    }

    private func scene() throws -> [TrainingView] { try TrainerScene.small() }

    /// Stopping at a checkpoint, writing it to a file, reading it into a fresh trainer and going
    /// on gives bit for bit the splats, moments and exposure transforms of an uninterrupted run,
    /// with either strategy (ADC's statistics and opacity reset, MCMC's relocation and noise
    /// happen between the checkpoint and the end).
    func testResumeFromCheckpointIsBitExact() throws {
        let views = try scene()
        for makeStrategy in [{ try self.adc() as DensificationStrategy }, { try self.mcmc() as DensificationStrategy }] {
            let straight = try makeTrainer(views, strategy: try makeStrategy())
            for _ in 0..<60 { try straight.step() }

            let first = try makeTrainer(views, strategy: try makeStrategy())
            for _ in 0..<25 { try first.step() }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString).bin")
            defer { try? FileManager.default.removeItem(at: file) }
            try first.checkpoint().write(to: file)
            let resumed = try makeTrainer(views, strategy: try makeStrategy())
            try resumed.restore(try TrainerCheckpoint.read(file))
            XCTAssertEqual(resumed.iteration, 25)
            for _ in 0..<35 { try resumed.step() }

            let name = straight.strategy.name
            XCTAssertEqual(resumed.state.cloud.count, straight.state.cloud.count, name)
            XCTAssertTrue(resumed.state == straight.state, "\(name): resumed splats or moments differ")
            XCTAssertEqual(resumed.exposures, straight.exposures, name)
            XCTAssertNotEqual(straight.exposures.transforms[0], .identity, "\(name): exposure was never trained")
            XCTAssertNotEqual(straight.state.cloud.count, 150, "\(name): the strategy never changed the splats")
        }
    }

    /// Same seed, same everything; another seed, other splats.
    func testSameSeedSameResult() throws {
        let views = try scene()
        let a = try makeTrainer(views, strategy: try mcmc()), b = try makeTrainer(views, strategy: try mcmc())
        let c = try makeTrainer(views, strategy: try mcmc(), seed: 4)
        for _ in 0..<30 { try a.step(); try b.step(); try c.step() }
        XCTAssertTrue(a.state.cloud == b.state.cloud)
        XCTAssertFalse(a.state.cloud == c.state.cloud)
    }

    func testCheckpointRefusesCorruptFiles() throws {
        let views = try scene()
        let trainer = try makeTrainer(views, strategy: try adc())
        try trainer.step()
        let data = trainer.checkpoint().encoded()
        XCTAssertThrowsError(try TrainerCheckpoint.decode(data.prefix(data.count - 3), file: "x"))
        XCTAssertThrowsError(try TrainerCheckpoint.decode(Data("not a checkpoint".utf8), file: "x"))
        XCTAssertEqual(try TrainerCheckpoint.decode(data, file: "x"), trainer.checkpoint())
        // A checkpoint of another strategy is refused by name.
        let other = try makeTrainer(views, strategy: try mcmc())
        XCTAssertThrowsError(try other.restore(trainer.checkpoint()))
    }

    /// The SH degree rises one step per interval; the position rate decays from rate × extent
    /// to 1% of that over the fit.
    func testSchedules() {
        var s = TrainerSettings()
        s.iterations = 7000
        s.shDegree = 2
        XCTAssertEqual([1, 1000, 1001, 2001, 6000].map(s.shDegree(at:)), [0, 0, 1, 2, 2])
        XCTAssertEqual(s.meansRate(at: 1, extent: 2), 1.6e-4 * 2, accuracy: 1e-9)
        XCTAssertEqual(s.meansRate(at: 7000, extent: 2), 1.6e-6 * 2, accuracy: 1e-10)
        XCTAssertEqual(s.meansRate(at: 3500, extent: 2), 1.6e-5 * 2, accuracy: 2e-8)
    }

    /// A short fit of a small scene improves the held-out-style metric of its own views a lot.
    func testTrainingImprovesPSNR() throws {
        let views = try scene()
        let trainer = try makeTrainer(views, strategy: try adc(), exposure: false)
        let before = try views.map { try trainer.evaluate($0, background: [1, 1, 1]).psnr }.reduce(0, +)
        for _ in 0..<60 { try trainer.step() }
        let after = try views.map { try trainer.evaluate($0, background: [1, 1, 1]).psnr }.reduce(0, +)
        XCTAssertGreaterThan(after / 6, before / 6 + 3, "mean PSNR \(before / 6) -> \(after / 6)")
    }
}
