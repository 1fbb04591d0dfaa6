import Foundation
import Geometry

/// One output frame: the camera and scene time it shows, and, with motion blur, the sub-frame
/// cameras and times whose renders are averaged (empty when the frame is a single render).
public struct RigFrame: Equatable, Sendable {
    public var camera: Camera
    public var time: Double
    public var shutter: [ShutterSample]

    public init(camera: Camera, time: Double, shutter: [ShutterSample] = []) {
        self.camera = camera; self.time = time; self.shutter = shutter
    }
}

public struct ShutterSample: Equatable, Sendable {
    public var camera: Camera
    public var time: Double

    public init(camera: Camera, time: Double) { self.camera = camera; self.time = time }
}

/// A camera set at one scene time, for rigs of explicitly placed cameras.
public struct PlacedCamera: Equatable, Sendable {
    public var camera: Camera
    public var time: Double

    public init(camera: Camera, time: Double = 0) { self.camera = camera; self.time = time }
}

/// How the frames of a recipe are shot.
public enum CameraRig: Sendable {
    /// Views around a target; frame i is at `time`, or at i / fps when `fps` is set (an orbit of
    /// an animated scene).
    case orbit(OrbitPath, time: Double, fps: Double?)
    /// A phone-like walk along waypoints.
    case handheld(HandheldPath)
    /// Each camera as given.
    case explicit([PlacedCamera])
    /// Fixed cameras on a circle (from the OrbitPath), each rendering every time sample;
    /// frames are camera-major: camera 0 at all times, then camera 1, …
    case ring(OrbitPath, times: [Double])

    public func frames() -> [RigFrame] {
        switch self {
        case let .orbit(path, time, fps):
            return path.cameras().enumerated().map { i, camera in
                RigFrame(camera: camera, time: fps.map { Double(i) / $0 } ?? time)
            }
        case let .handheld(path):
            return path.frames()
        case let .explicit(cameras):
            return cameras.map { RigFrame(camera: $0.camera, time: $0.time) }
        case let .ring(path, times):
            return path.cameras().flatMap { camera in times.map { RigFrame(camera: camera, time: $0) } }
        }
    }

    /// Frame rate that suits a video of the frames.
    public var naturalFPS: Double? {
        switch self {
        case let .orbit(_, _, fps): return fps
        case let .handheld(path): return path.fps
        case let .ring(_, times):
            guard times.count > 1, let first = times.first, let last = times.last, last > first else { return nil }
            return Double(times.count - 1) / (last - first)
        case .explicit: return nil
        }
    }
}
