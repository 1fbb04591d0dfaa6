import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One image of a `transforms.json`: its path as written in the file, its camera, optional time.
public struct CameraFrame: Equatable, Sendable {
    public var filePath: String
    public var camera: Camera
    public var time: Double?

    public init(filePath: String, camera: Camera, time: Double? = nil) {
        self.filePath = filePath; self.camera = camera; self.time = time
    }
}

/// nerfstudio / NeRF `transforms.json`: camera-to-world `transform_matrix` in OpenGL axes per
/// frame, intrinsics either global or per frame (`fl_x fl_y cx cy w h k1 k2 p1 p2 k3`), or the
/// NeRF-synthetic `camera_angle_x`.
public struct TransformsFile: Equatable, Sendable {
    public var frames: [CameraFrame]

    public init(frames: [CameraFrame]) { self.frames = frames }

    /// Camera models whose parameters are a subset of OpenCV's k1 k2 p1 p2 k3.
    static let supportedModels: Set<String> = ["OPENCV", "PINHOLE", "SIMPLE_PINHOLE", "SIMPLE_RADIAL", "RADIAL"]

    /// Reads a transforms file. `imageSize` supplies width and height when the file has no
    /// `w`/`h` (NeRF-synthetic files); without it those keys are required.
    public static func read(from url: URL, imageSize: (width: Int, height: Int)? = nil) throws -> TransformsFile {
        let file = url.path
        guard FileManager.default.fileExists(atPath: file) else { throw GeometryError.fileNotFound(file: file) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GeometryError.unreadable(file: file, reason: error.localizedDescription)
        }
        let root: JSONValue
        do { root = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw GeometryError.notJSON(file: file, reason: String(describing: error))
        }
        guard case .object = root else {
            throw GeometryError.wrongType(file: file, key: "(top level)", expected: "a JSON object, got \(root.kindName)")
        }
        guard let framesValue = root["frames"] else { throw GeometryError.missingKey(file: file, key: "frames") }
        guard case let .array(frameValues) = framesValue else {
            throw GeometryError.wrongType(file: file, key: "frames", expected: "an array, got \(framesValue.kindName)")
        }
        let reader = FieldReader(file: file, global: root)
        var frames: [CameraFrame] = []
        frames.reserveCapacity(frameValues.count)
        for (i, frameValue) in frameValues.enumerated() {
            let prefix = "frames[\(i)]"
            guard case .object = frameValue else {
                throw GeometryError.wrongType(file: file, key: prefix, expected: "an object, got \(frameValue.kindName)")
            }
            frames.append(try reader.frame(frameValue, prefix: prefix, imageSize: imageSize))
        }
        return TransformsFile(frames: frames)
    }

    /// Writes nerfstudio-style JSON (intrinsics global when all frames share them, else per frame)
    /// to a temporary file in the same folder, then renames it over `url`.
    public func write(to url: URL) throws {
        let file = url.path
        let text = try jsonValue(file: file).serialized() + "\n"
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do { try Data(text.utf8).write(to: temp) } catch {
            throw GeometryError.writeFailed(file: file, reason: error.localizedDescription)
        }
        if rename(temp.path, file) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw GeometryError.writeFailed(file: file, reason: reason)
        }
    }

    /// The JSON tree written by `write`.
    func jsonValue(file: String) throws -> JSONValue {
        let shared: Camera? = frames.first.flatMap { first in
            frames.allSatisfy {
                $0.camera.intrinsics == first.camera.intrinsics
                    && $0.camera.width == first.camera.width && $0.camera.height == first.camera.height
            } ? first.camera : nil
        }
        var top: [(String, JSONValue)] = [("camera_model", .string("OPENCV"))]
        if let shared { top += try TransformsFile.intrinsicFields(shared, file: file, key: "") }
        var frameValues: [JSONValue] = []
        for (i, frame) in frames.enumerated() {
            let prefix = "frames[\(i)]."
            let matrix = frame.camera.pose.openGLCameraToWorld
            guard matrix.allSatisfy({ $0.allSatisfy { $0.isFinite } }) else {
                throw GeometryError.invalidValue(file: file, key: prefix + "transform_matrix", reason: "non-finite pose")
            }
            var fields: [(String, JSONValue)] = [
                ("file_path", .string(frame.filePath)),
                ("transform_matrix", .array(matrix.map { .array($0.map { .number($0) }) })),
            ]
            if let time = frame.time {
                guard time.isFinite else {
                    throw GeometryError.invalidValue(file: file, key: prefix + "time", reason: "non-finite time")
                }
                fields.append(("time", .number(time)))
            }
            if shared == nil { fields += try TransformsFile.intrinsicFields(frame.camera, file: file, key: prefix) }
            frameValues.append(.object(fields))
        }
        top.append(("frames", .array(frameValues)))
        return .object(top)
    }

    private static func intrinsicFields(_ camera: Camera, file: String, key prefix: String) throws -> [(String, JSONValue)] {
        let k = camera.intrinsics, d = k.distortion
        let fields: [(String, Double)] = [
            ("fl_x", k.fx), ("fl_y", k.fy), ("cx", k.cx), ("cy", k.cy),
            ("w", Double(camera.width)), ("h", Double(camera.height)),
            ("k1", d.k1), ("k2", d.k2), ("p1", d.p1), ("p2", d.p2), ("k3", d.k3),
        ]
        for (name, value) in fields where !value.isFinite {
            throw GeometryError.invalidValue(file: file, key: prefix + name, reason: "non-finite value")
        }
        return fields.map { ($0.0, .number($0.1)) }
    }
}

/// Reads typed fields of one frame, falling back to the file's global keys.
private struct FieldReader {
    let file: String
    let global: JSONValue

    func frame(_ frame: JSONValue, prefix: String, imageSize: (width: Int, height: Int)?) throws -> CameraFrame {
        guard let pathValue = frame["file_path"] else {
            throw GeometryError.missingKey(file: file, key: prefix + ".file_path")
        }
        guard case let .string(path) = pathValue else {
            throw GeometryError.wrongType(file: file, key: prefix + ".file_path", expected: "a string, got \(pathValue.kindName)")
        }
        let matrix = try matrixField(frame, key: prefix + ".transform_matrix")
        let pose = try Pose(checkedOpenGLCameraToWorld: matrix, file: file, key: prefix + ".transform_matrix")
        let time = try optionalNumber(in: frame, name: "time", key: prefix + ".time")

        if let modelValue = frame["camera_model"] ?? global["camera_model"] {
            guard case let .string(model) = modelValue else {
                throw GeometryError.wrongType(file: file, key: "camera_model", expected: "a string")
            }
            guard TransformsFile.supportedModels.contains(model) else {
                throw GeometryError.invalidValue(file: file, key: "camera_model",
                                                 reason: "unsupported model \(model) (supported: \(TransformsFile.supportedModels.sorted().joined(separator: ", ")))")
            }
        }
        func number(_ name: String) throws -> Double? {
            if let v = try optionalNumber(in: frame, name: name, key: prefix + "." + name) { return v }
            return try optionalNumber(in: global, name: name, key: name)
        }
        func size(_ name: String, fallback: Int?) throws -> Int {
            guard let v = try number(name) else {
                if let fallback { return fallback }
                throw GeometryError.missingKey(file: file, key: name)
            }
            guard v == v.rounded(), v >= 1, v < 1e9 else {
                throw GeometryError.invalidValue(file: file, key: name, reason: "image size must be a positive integer, got \(v)")
            }
            return Int(v)
        }
        let width = try size("w", fallback: imageSize?.width)
        let height = try size("h", fallback: imageSize?.height)

        let fx: Double
        if let v = try number("fl_x") { fx = v }
        else if let angle = try number("camera_angle_x") { fx = Double(width) / 2 / tan(angle / 2) }
        else { throw GeometryError.missingKey(file: file, key: "fl_x") }
        let fy: Double
        if let v = try number("fl_y") { fy = v }
        else if let angle = try number("camera_angle_y") { fy = Double(height) / 2 / tan(angle / 2) }
        else { fy = fx }
        for (name, v) in [("fl_x", fx), ("fl_y", fy)] where !(v > 0 && v.isFinite) {
            throw GeometryError.invalidValue(file: file, key: name, reason: "focal length must be positive, got \(v)")
        }
        let distortion = Distortion(k1: try number("k1") ?? 0, k2: try number("k2") ?? 0,
                                    p1: try number("p1") ?? 0, p2: try number("p2") ?? 0,
                                    k3: try number("k3") ?? 0)
        let intrinsics = Intrinsics(fx: fx, fy: fy, cx: try number("cx") ?? Double(width) / 2,
                                    cy: try number("cy") ?? Double(height) / 2, distortion: distortion)
        return CameraFrame(filePath: path, camera: Camera(width: width, height: height, intrinsics: intrinsics, pose: pose),
                           time: time)
    }

    private func optionalNumber(in object: JSONValue, name: String, key: String) throws -> Double? {
        guard let value = object[name] else { return nil }
        if case .null = value { return nil }
        guard case let .number(v) = value else {
            throw GeometryError.wrongType(file: file, key: key, expected: "a number, got \(value.kindName)")
        }
        guard v.isFinite else { throw GeometryError.invalidValue(file: file, key: key, reason: "not finite") }
        return v
    }

    private func matrixField(_ frame: JSONValue, key: String) throws -> [[Double]] {
        guard let value = frame["transform_matrix"] else { throw GeometryError.missingKey(file: file, key: key) }
        let expected = "a 4×4 array of numbers"
        guard case let .array(rows) = value else { throw GeometryError.wrongType(file: file, key: key, expected: expected) }
        return try rows.map { row in
            guard case let .array(items) = row else { throw GeometryError.wrongType(file: file, key: key, expected: expected) }
            return try items.map { item in
                guard case let .number(v) = item else { throw GeometryError.wrongType(file: file, key: key, expected: expected) }
                return v
            }
        }
    }
}
