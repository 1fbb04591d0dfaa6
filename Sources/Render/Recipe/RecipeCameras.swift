import Foundation
import Geometry

/// Camera rigs of a recipe: orbit, ring, handheld, explicit.
extension RecipeReader {
    func camera(_ node: RecipeNode) throws -> CameraRig {
        let (kind, rig) = try node.fields(["orbit", "handheld", "explicit", "ring"])
            .exactlyOne(of: ["orbit", "handheld", "explicit", "ring"])
        switch kind {
        case "orbit":
            let f = try rig.fields(["views", "radius", "elevation", "fov", "width", "height", "target", "startAzimuth", "sweep", "time", "fps"])
            let path = try orbitPath(f, count: try f.int("views", in: 1...100_000, default: 24))
            return .orbit(path, time: try f.double("time", default: 0), fps: try f["fps"]?.positive())
        case "ring":
            let f = try rig.fields(["cameras", "radius", "elevation", "fov", "width", "height", "target", "startAzimuth", "times"])
            let path = try orbitPath(f, count: try f.int("cameras", in: 1...1000, default: 8))
            var times: [Double] = [0]
            if let timesNode = f["times"] {
                let t = try timesNode.fields(["start", "end", "count"])
                let start = try t.double("start", default: 0), end = try t.double("end", default: start)
                let count = try t.int("count", in: 1...100_000, default: 1)
                guard end >= start else { throw try t.require("end").fail("end must not be before start") }
                times = (0..<count).map { count == 1 ? start : start + (end - start) * Double($0) / Double(count - 1) }
            }
            return .ring(path, times: times)
        case "handheld":
            let f = try rig.fields(["frames", "fps", "width", "height", "fov", "path", "lookAt", "up", "wander", "shake", "motionBlur", "start"])
            let (width, height) = try size(f)
            let waypoints = try f.require("path").list().map { try $0.vec3() }
            guard !waypoints.isEmpty else { throw try f.require("path").fail("needs at least one waypoint") }
            var samples = 1, shutter = 0.5
            if let blur = f["motionBlur"] {
                let b = try blur.fields(["samples", "shutter"])
                samples = try b.int("samples", in: 1...64, default: 4)
                shutter = try b["shutter"]?.double(in: 0...1) ?? 0.5
            }
            return .handheld(HandheldPath(
                frameCount: try f.int("frames", in: 1...100_000, default: 60), fps: try f.positive("fps", default: 30),
                width: width, height: height, fieldOfViewYDegrees: try fov(f),
                waypoints: waypoints, lookAt: try f["lookAt"]?.vec3(), up: try up(f),
                wanderMetres: try f["wander"]?.double(in: 0...100) ?? 0.03,
                shakeDegrees: try f["shake"]?.double(in: 0...45) ?? 0.4,
                blurSamples: samples, shutter: shutter, startTime: try f.double("start", default: 0),
                seed: deriveSeed(seed, 0x4A4E)))
        default:  // explicit
            let f = try rig.fields(["width", "height", "cameras"])
            let (width, height) = try size(f)
            let items = try f.require("cameras").list()
            guard !items.isEmpty else { throw try f.require("cameras").fail("needs at least one camera") }
            return .explicit(try items.map { item in
                let c = try item.fields(["position", "lookAt", "up", "fov", "time"])
                let position = try c.require("position").vec3(), target = try c.require("lookAt").vec3()
                guard length(target - position) > 0 else { throw try c.require("lookAt").fail("must differ from position") }
                let camera = Camera(width: width, height: height,
                                    intrinsics: Intrinsics(fieldOfViewY: try fov(c), width: width, height: height),
                                    pose: Pose(lookingFrom: position, at: target, up: try up(c)))
                return PlacedCamera(camera: camera, time: try c.double("time", default: 0))
            })
        }
    }

    private func size(_ f: RecipeFields) throws -> (Int, Int) {
        (try f.int("width", in: 1...8192, default: 512), try f.int("height", in: 1...8192, default: 512))
    }

    private func fov(_ f: RecipeFields) throws -> Double {
        try f["fov"]?.double(in: 1...170) ?? 45
    }

    private func up(_ f: RecipeFields) throws -> Vec3 {
        let v = try f.vec3("up", default: Vec3(0, 1, 0))
        guard length(v) > 0 else { throw try f.require("up").fail("must not be zero") }
        return v
    }

    private func orbitPath(_ f: RecipeFields, count: Int) throws -> OrbitPath {
        let (width, height) = try size(f)
        var path = OrbitPath(count: count, radius: try f.positive("radius", default: 3),
                             elevationDegrees: try f["elevation"]?.double(in: -89...89) ?? 20,
                             fieldOfViewYDegrees: try fov(f), width: width, height: height)
        path.target = try f.vec3("target", default: .zero)
        path.startAzimuthDegrees = try f.double("startAzimuth", default: 0)
        path.sweepDegrees = try f.double("sweep", default: 360)
        return path
    }
}
