import Foundation
import Geometry

/// A phone-like camera path: it glides through waypoints (Catmull-Rom), drifts smoothly
/// ("wander", metres) and trembles ("shake", degrees), both from seeded sums of sinusoids, so the
/// path is a smooth function of time and sub-frame cameras for motion blur come for free.
public struct HandheldPath: Equatable, Sendable {
    public var frameCount: Int
    public var fps: Double
    public var width: Int
    public var height: Int
    public var fieldOfViewYDegrees: Double
    public var waypoints: [Vec3]
    /// Point kept in view; nil = look along the direction of travel.
    public var lookAt: Vec3?
    public var up: Vec3
    public var wanderMetres: Double
    public var shakeDegrees: Double
    /// Sub-frames averaged per frame (1 = no motion blur).
    public var blurSamples: Int
    /// Exposure as a fraction of the frame interval.
    public var shutter: Double
    public var startTime: Double
    private var wanderWaves: [Wave]
    private var shakeWaves: [Wave]

    /// One sinusoid of one axis: amplitude weight, frequency in Hz, phase.
    private struct Wave: Equatable, Sendable {
        var axis: Int, frequency: Double, phase: Double
    }

    public init(frameCount: Int, fps: Double, width: Int, height: Int, fieldOfViewYDegrees: Double,
                waypoints: [Vec3], lookAt: Vec3?, up: Vec3 = Vec3(0, 1, 0), wanderMetres: Double,
                shakeDegrees: Double, blurSamples: Int = 1, shutter: Double = 0.5, startTime: Double = 0,
                seed: UInt64) {
        self.frameCount = frameCount; self.fps = fps; self.width = width; self.height = height
        self.fieldOfViewYDegrees = fieldOfViewYDegrees; self.waypoints = waypoints; self.lookAt = lookAt
        self.up = up; self.wanderMetres = wanderMetres; self.shakeDegrees = shakeDegrees
        self.blurSamples = max(blurSamples, 1); self.shutter = shutter; self.startTime = startTime
        var generator = SeededGenerator(seed: seed)
        func waves(_ frequencies: ClosedRange<Double>) -> [Wave] {
            (0..<3).flatMap { axis in
                (0..<3).map { _ in
                    Wave(axis: axis, frequency: generator.nextDouble(in: frequencies.lowerBound, frequencies.upperBound),
                         phase: generator.nextDouble(in: 0, 2 * .pi))
                }
            }
        }
        wanderWaves = waves(0.1...0.6)
        shakeWaves = waves(2.0...7.0)
    }

    public var duration: Double { Double(max(frameCount - 1, 0)) / fps }

    /// Each axis: mean of its three sinusoids, so every component stays within ±1.
    private func sum(_ waves: [Wave], _ t: Double) -> Vec3 {
        var v = Vec3.zero
        for w in waves { v[w.axis] += sin(2 * .pi * w.frequency * t + w.phase) / 3 }
        return v
    }

    /// Position on the waypoint spline at path parameter s in [0, 1].
    private func splinePoint(_ s: Double) -> Vec3 {
        guard waypoints.count > 1 else { return waypoints.first ?? .zero }
        let segments = Double(waypoints.count - 1)
        let x = min(max(s, 0), 1) * segments
        let i = min(Int(x), waypoints.count - 2)
        let u = x - Double(i)
        let p1 = waypoints[i], p2 = waypoints[i + 1]
        let p0 = i > 0 ? waypoints[i - 1] : 2 * p1 - p2
        let p3 = i + 2 < waypoints.count ? waypoints[i + 2] : 2 * p2 - p1
        let u2 = u * u, u3 = u2 * u
        let c1: Vec3 = p2 - p0
        let c2: Vec3 = 2 * p0 - 5 * p1 + 4 * p2 - p3
        let c3: Vec3 = 3 * p1 - p0 - 3 * p2 + p3
        let sum: Vec3 = 2 * p1 + c1 * u + c2 * u2 + c3 * u3
        return 0.5 * sum
    }

    /// The camera at scene time `time`.
    public func camera(at time: Double) -> Camera {
        let elapsed = time - startTime
        let s = duration > 0 ? elapsed / duration : 0
        let centre = splinePoint(s) + wanderMetres * sum(wanderWaves, elapsed)
        var target: Vec3
        if let lookAt {
            target = lookAt
        } else {
            let ahead = splinePoint(s + 0.02) - splinePoint(s - 0.02)
            target = centre + (length(ahead) > 1e-9 ? ahead : Vec3(0, 0, -1))
        }
        if length(target - centre) < 1e-9 { target = centre + Vec3(0, 0, -1) }
        let base = Pose(lookingFrom: centre, at: target, up: up)
        // Shake: small rotations about the camera's own axes (pitch x, yaw y, roll z).
        let a = shakeDegrees * .pi / 180 * sum(shakeWaves, elapsed)
        let shake = ObjectTransform(rotationDegrees: a * (180 / .pi)).rotation
        let rotation = shake * base.rotation
        let pose = Pose(rotation: rotation, translation: -(rotation * centre))
        return Camera(width: width, height: height,
                      intrinsics: Intrinsics(fieldOfViewY: fieldOfViewYDegrees, width: width, height: height), pose: pose)
    }

    public func frames() -> [RigFrame] {
        (0..<frameCount).map { i in
            let time = startTime + Double(i) / fps
            var frame = RigFrame(camera: camera(at: time), time: time)
            if blurSamples > 1 {
                let exposure = shutter / fps
                frame.shutter = (0..<blurSamples).map { k in
                    let t = time + exposure * ((Double(k) + 0.5) / Double(blurSamples) - 0.5)
                    return ShutterSample(camera: camera(at: t), time: t)
                }
            }
            return frame
        }
    }
}
