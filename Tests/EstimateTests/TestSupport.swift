import Foundation
import XCTest
@testable import Estimate
import Geometry

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Angle of the rotation a⁻¹ b, radians.
/// (From the chord ‖a − b‖_F = 2√2 sin(θ/2), accurate for tiny angles, unlike acos of the trace.)
func rotationError(_ a: Mat3, _ b: Mat3) -> Double {
    2 * asin(min(1, (a - b).frobeniusNorm / (2 * 2.0.squareRoot())))
}

/// Angle between two directions, radians.
func directionError(_ a: Vec3, _ b: Vec3) -> Double {
    2 * asin(min(1, length(normalize(a) - normalize(b)) / 2))
}

extension SeededGenerator {
    mutating func vector(_ scale: Double) -> Vec3 {
        Vec3(nextDouble(in: -scale, scale), nextDouble(in: -scale, scale), nextDouble(in: -scale, scale))
    }

    /// A rotation of at most `maxDegrees` about a random axis.
    mutating func rotation(maxDegrees: Double) -> Mat3 {
        Quaternion(axis: nextUnitVector(), angle: nextDouble(in: 0, maxDegrees) * .pi / 180).rotationMatrix
    }
}

/// Two cameras looking at a common cloud: camera 1 is the world frame, camera 2 is `pose`.
/// Points are drawn in front of camera 1 at depth 2…8 within its ±40° view and kept when in
/// front of camera 2 too.
struct TwoViewScene {
    var pose: Pose
    var points: [Vec3]

    init(rng: inout SeededGenerator, count: Int, maxRotationDegrees: Double = 30, baseline: Double = 1) {
        let rotation = rng.rotation(maxDegrees: maxRotationDegrees)
        var translation = rng.nextUnitVector() * baseline
        // Mostly sideways motion, like real captures; the centre stays off the cloud.
        translation.z *= 0.3
        pose = Pose(rotation: rotation, translation: translation)
        points = []
        while points.count < count {
            let depth = rng.nextDouble(in: 2, 8)
            let p = Vec3(rng.nextDouble(in: -0.8, 0.8) * depth, rng.nextDouble(in: -0.8, 0.8) * depth, depth)
            if pose.apply(p).z > 0.5 { points.append(p) }
        }
    }

    /// Normalised coordinates (x, y, 1) in camera 1 and camera 2.
    var rays1: [Vec3] { points.map { $0 / $0.z } }
    var rays2: [Vec3] { points.map { let c = pose.apply($0); return c / c.z } }
}
