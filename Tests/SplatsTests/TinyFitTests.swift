import Geometry
import XCTest
@testable import Splats

/// The pieces a trainer will use, wired together: render, loss, backward, Adam. Fitting random
/// splats to an image rendered from other splats must cut the loss a lot; a sign error in any
/// gradient or in the optimiser would make it rise or stall.
final class TinyFitTests: XCTestCase {
    func testFitReducesLoss() throws {
        var rng = SeededGenerator(seed: 51)
        let (width, height) = (48, 40)
        let camera = TestScene.camera(width: width, height: height, focal: 50, rng: &rng)
        let truth = TestScene.cloud(count: 25, shDegree: 1, camera: camera, pixelSigma: 2...6, opacity: 0.6...0.95, rng: &rng)
        let rasterizer = SplatRasterizer(threadCount: 2, background: [0, 0, 0])
        let target = try rasterizer.render(truth, camera: camera).color

        var cloud = TestScene.cloud(count: 40, shDegree: 1, camera: camera, pixelSigma: 2...4, opacity: 0.3...0.5, rng: &rng)
        var adam = SplatAdam(like: cloud)
        var rates = SplatLearningRates()
        rates.means = 2e-3
        rates.shDC = 2e-2
        rates.shRest = 2e-3
        let loss = ImageLoss(ssimWeight: 0.2, threadCount: 2)
        var gradient = [Float](repeating: 0, count: 3 * width * height)
        var image = RenderedImage(width: 0, height: 0, color: [], alpha: [], depth: [])
        var grads = SplatGradients(parameters: .zeros(like: cloud), mean2dGradientNorms: [])
        var losses: [Double] = []
        for _ in 0..<150 {
            try rasterizer.render(cloud, camera: camera, into: &image)
            let value = try gradient.withUnsafeMutableBufferPointer { g in
                try loss.evaluate(rendered: image.color, target: target, width: width, height: height, gradient: g)
            }
            losses.append(value.total)
            try rasterizer.backward(dColor: gradient, dAlpha: nil, dDepth: nil, into: &grads)
            try adam.apply(grads.parameters, to: &cloud, rates: rates, threads: 2)
        }
        print("tiny fit loss", losses.first!, losses[75], losses.last!)
        XCTAssertTrue(losses.allSatisfy(\.isFinite))
        XCTAssertLessThan(losses.last!, 0.1 * losses.first!, "loss \(losses.first!) -> \(losses.last!)")
    }
}
