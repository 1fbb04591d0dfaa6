import Foundation
import XCTest
@testable import Estimate
import Geometry
import Media

final class DepthSpeedScratch: XCTestCase {
    func cpu() -> Double { var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u); return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 }
    func testSpeed() throws {
        let plane = TexturedPlane(depth: 3, seed: 7)
        let k = Intrinsics(fx: 300, fy: 300, cx: 160, cy: 120)
        let cameras = [Camera(width: 320, height: 240, intrinsics: k, pose: Pose(rotation: .identity, translation: Vec3(0, 0, 0))),
                       Camera(width: 320, height: 240, intrinsics: k, pose: Pose(rotation: .identity, translation: Vec3(-0.25, -0.02, 0)))]
        var options = DepthOptions()
        options.neighbours = 1; options.keep = 1; options.threads = 1
        options.minPlanes = 100
        let inputs = try cameras.map { try DepthEstimator.input(image: plane.image($0), camera: $0, options: options) }
        let c0 = cpu(); let t0 = Date()
        let s = PlaneSweep.run(reference: inputs[0], neighbours: [inputs[1]], range: 1.5...6, options: options)
        let c1 = cpu()
        print("planes", s.planes, "cpu", c1 - c0, "wall", Date().timeIntervalSince(t0), "ns per pixel-plane", (c1 - c0) / Double(s.planes * 320 * 240) * 1e9)
    }
}
