import Foundation

/// A COLMAP sparse model in its text form: `cameras.txt`, `images.txt`, `points3D.txt`.
/// Poses are world-to-camera in OpenCV axes (COLMAP's own convention), pixel centres at
/// +0.5 as in this package, so cameras convert without any flip or shift.
public struct ColmapTextModel: Equatable, Sendable {
    public struct Image: Equatable, Sendable {
        public var id: Int
        /// File name relative to the image folder.
        public var name: String
        public var camera: Camera
    }

    public var images: [Image]
    /// count × 3 world positions and count × 3 colours in [0, 1].
    public var pointPositions: [Double]
    public var pointColors: [Double]

    /// True when `folder` holds the three text files.
    public static func exists(in folder: URL) -> Bool {
        ["cameras.txt", "images.txt", "points3D.txt"].allSatisfy {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
    }

    /// Reads the model in `folder`. `points3D.txt` may be absent (no points).
    public static func read(folder: URL) throws -> ColmapTextModel {
        let intrinsics = try readCameras(folder.appendingPathComponent("cameras.txt"))
        let images = try readImages(folder.appendingPathComponent("images.txt"), cameras: intrinsics)
        let pointsURL = folder.appendingPathComponent("points3D.txt")
        var positions: [Double] = [], colors: [Double] = []
        if FileManager.default.fileExists(atPath: pointsURL.path) {
            for (number, fields) in try lines(pointsURL) {
                guard fields.count >= 7, let x = Double(fields[1]), let y = Double(fields[2]), let z = Double(fields[3]),
                      let r = Double(fields[4]), let g = Double(fields[5]), let b = Double(fields[6]),
                      [x, y, z].allSatisfy(\.isFinite) else {
                    throw GeometryError.invalidValue(file: pointsURL.path, key: "line \(number)",
                                                     reason: "expected POINT3D_ID X Y Z R G B ERROR TRACK[]")
                }
                positions += [x, y, z]
                colors += [r / 255, g / 255, b / 255]
            }
        }
        return ColmapTextModel(images: images, pointPositions: positions, pointColors: colors)
    }

    /// Non-empty, non-comment lines split at white space, with their 1-based line numbers.
    static func lines(_ url: URL) throws -> [(Int, [String])] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw GeometryError.fileNotFound(file: url.path) }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw GeometryError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        var out: [(Int, [String])] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            out.append((i + 1, trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)))
        }
        return out
    }

    /// CAMERA_ID MODEL WIDTH HEIGHT PARAMS[] per line.
    static func readCameras(_ url: URL) throws -> [Int: (width: Int, height: Int, intrinsics: Intrinsics)] {
        var cameras: [Int: (Int, Int, Intrinsics)] = [:]
        for (number, f) in try lines(url) {
            let key = "line \(number)"
            guard f.count >= 4, let id = Int(f[0]), let w = Int(f[2]), let h = Int(f[3]), w > 0, h > 0 else {
                throw GeometryError.invalidValue(file: url.path, key: key, reason: "expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]")
            }
            let p = try f.dropFirst(4).map { text -> Double in
                guard let v = Double(text), v.isFinite else {
                    throw GeometryError.invalidValue(file: url.path, key: key, reason: "parameter '\(text)' is not a number")
                }
                return v
            }
            let model = f[1]
            let counts = ["SIMPLE_PINHOLE": 3, "PINHOLE": 4, "SIMPLE_RADIAL": 4, "RADIAL": 5, "OPENCV": 8]
            guard let needed = counts[model] else {
                throw GeometryError.invalidValue(file: url.path, key: key,
                                                 reason: "unsupported camera model \(model) (supported: \(counts.keys.sorted().joined(separator: ", ")))")
            }
            guard p.count == needed else {
                throw GeometryError.invalidValue(file: url.path, key: key, reason: "\(model) takes \(needed) parameters, got \(p.count)")
            }
            let k: Intrinsics
            switch model {
            case "SIMPLE_PINHOLE": k = Intrinsics(fx: p[0], fy: p[0], cx: p[1], cy: p[2])
            case "PINHOLE": k = Intrinsics(fx: p[0], fy: p[1], cx: p[2], cy: p[3])
            case "SIMPLE_RADIAL": k = Intrinsics(fx: p[0], fy: p[0], cx: p[1], cy: p[2], distortion: Distortion(k1: p[3]))
            case "RADIAL": k = Intrinsics(fx: p[0], fy: p[0], cx: p[1], cy: p[2], distortion: Distortion(k1: p[3], k2: p[4]))
            default: k = Intrinsics(fx: p[0], fy: p[1], cx: p[2], cy: p[3],
                                    distortion: Distortion(k1: p[4], k2: p[5], p1: p[6], p2: p[7]))
            }
            guard k.fx > 0, k.fy > 0 else {
                throw GeometryError.invalidValue(file: url.path, key: key, reason: "focal length must be positive")
            }
            cameras[id] = (w, h, k)
        }
        return cameras
    }

    /// Two lines per image: IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, then its 2D points
    /// (possibly empty, so blank lines count here).
    static func readImages(_ url: URL, cameras: [Int: (width: Int, height: Int, intrinsics: Intrinsics)]) throws -> [Image] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw GeometryError.fileNotFound(file: url.path) }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw GeometryError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var images: [Image] = []
        var i = 0
        while i < all.count {
            let line = all[i]
            if line.hasPrefix("#") || line.isEmpty { i += 1; continue }
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let key = "line \(i + 1)"
            let numbers = f.count >= 10 ? f[1...8].compactMap(Double.init) : []
            guard f.count >= 10, let id = Int(f[0]), numbers.count == 8, numbers.allSatisfy(\.isFinite), let cameraId = Int(f[8]) else {
                throw GeometryError.invalidValue(file: url.path, key: key, reason: "expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME")
            }
            guard let camera = cameras[cameraId] else {
                throw GeometryError.invalidValue(file: url.path, key: key, reason: "camera \(cameraId) is not in cameras.txt")
            }
            let q = Quaternion(w: numbers[0], x: numbers[1], y: numbers[2], z: numbers[3])
            guard q.norm > 1e-9 else { throw GeometryError.invalidValue(file: url.path, key: key, reason: "zero quaternion") }
            let pose = Pose(rotation: q.normalized.rotationMatrix, translation: Vec3(numbers[4], numbers[5], numbers[6]))
            // The name may contain spaces: everything after CAMERA_ID.
            let name = f[9...].joined(separator: " ")
            images.append(Image(id: id, name: name, camera: Camera(width: camera.width, height: camera.height,
                                                                    intrinsics: camera.intrinsics, pose: pose)))
            i += 2 // skip the POINTS2D line
        }
        return images.sorted { $0.name < $1.name }
    }
}
