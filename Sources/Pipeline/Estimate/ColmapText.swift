import Estimate
import Foundation
import Geometry

/// COLMAP's text model: cameras.txt (one RADIAL camera: f, cx, cy, k1, k2; PINHOLE f f cx cy
/// when k1 = k2 = 0, as for undistorted images), images.txt
/// (world-to-camera quaternion and translation, then the observed keypoints), points3D.txt.
/// Both conventions put pixel centres at +0.5, so the numbers carry over unchanged.
enum ColmapText {
    static func write(_ model: SparseModel, names: [String], features: [Features], colours: [SIMD3<UInt8>], to folder: URL) throws {
        let k = model.intrinsics
        let camera = k.k1 == 0 && k.k2 == 0 ? "PINHOLE \(model.width) \(model.height) \(k.focal) \(k.focal) \(k.cx) \(k.cy)"
            : "RADIAL \(model.width) \(model.height) \(k.focal) \(k.cx) \(k.cy) \(k.k1) \(k.k2)"
        let cameras = "# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n" +
            "1 \(camera)\n"

        // Per image, its observations as (keypoint, point id); the POINT2D index is the position
        // in that list.
        var observations = [[(keypoint: Int, point: Int)]](repeating: [], count: names.count)
        var track = [[(image: Int, index: Int)]](repeating: [], count: model.points.count)
        for (j, p) in model.points.enumerated() {
            for e in p.observations {
                let i = Int(e.image)
                track[j].append((i + 1, observations[i].count))
                observations[i].append((Int(e.keypoint), j + 1))
            }
        }
        var images = "# Image list with two lines of data per image:\n#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n" +
            "#   POINTS2D[] as (X, Y, POINT3D_ID)\n"
        for (i, name) in names.enumerated() {
            guard let pose = model.poses[i] else { continue }
            var q = Quaternion(rotation: pose.rotation)
            if q.w < 0 { q = Quaternion(w: -q.w, x: -q.x, y: -q.y, z: -q.z) }
            let t = pose.translation
            images += "\(i + 1) \(q.w) \(q.x) \(q.y) \(q.z) \(t.x) \(t.y) \(t.z) 1 \(name)\n"
            images += observations[i].map { o in
                let kp = features[i].keypoints[o.keypoint]
                return "\(kp.x) \(kp.y) \(o.point)"
            }.joined(separator: " ") + "\n"
        }
        let errors = pointErrors(model, features: features)
        var points = "# 3D point list with one line of data per point:\n#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n"
        for (j, p) in model.points.enumerated() {
            let c = colours[j]
            points += "\(j + 1) \(p.position.x) \(p.position.y) \(p.position.z) \(c.x) \(c.y) \(c.z) \(errors[j])"
            for (image, index) in track[j] { points += " \(image) \(index)" }
            points += "\n"
        }
        for (name, text) in [("cameras.txt", cameras), ("images.txt", images), ("points3D.txt", points)] {
            try EstimateOutputs.atomically(folder.appendingPathComponent(name)) { try Data(text.utf8).write(to: $0) }
        }
    }

    /// Mean reprojection error of each point, in pixels.
    static func pointErrors(_ model: SparseModel, features: [Features]) -> [Double] {
        let k = model.intrinsics.intrinsics
        return model.points.map { p in
            var sum = 0.0
            for e in p.observations {
                guard let pose = model.poses[Int(e.image)] else { continue }
                let kp = features[Int(e.image)].keypoints[Int(e.keypoint)]
                let d = k.project(pose.apply(p.position)) - Vec2(Double(kp.x), Double(kp.y))
                sum += (d.x * d.x + d.y * d.y).squareRoot()
            }
            return p.observations.isEmpty ? 0 : sum / Double(p.observations.count)
        }
    }
}
