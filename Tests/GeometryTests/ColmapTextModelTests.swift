import Foundation
import XCTest
@testable import Geometry

final class ColmapTextModelTests: XCTestCase {
    private func write(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("colmap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return folder
    }

    /// A hand-written model: two cameras, two images (one with an empty 2D-points line, one
    /// with a name containing a space), three points. Poses are checked by projecting a point
    /// by hand: the second image is rotated 90° about y (q = (cos 45°, 0, sin 45°, 0)).
    func testReadsHandWrittenModel() throws {
        let folder = try write([
            "cameras.txt": """
            # Camera list with one line of data per camera:
            #   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]
            1 PINHOLE 640 480 500 510 320 240
            2 SIMPLE_RADIAL 320 240 300 160 120 0.01
            """,
            "images.txt": """
            # IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME
            # POINTS2D[] as (X, Y, POINT3D_ID)
            7 1 0 0 0 0 0 5 1 b.jpg

            3 0.7071067811865476 0 0.7071067811865476 0 1 2 3 2 my frame.png
            10.5 20.5 1 30 40 -1
            """,
            "points3D.txt": """
            # POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)
            1 0.5 -0.25 2 255 0 0 0.1 7 0 3 0
            2 0 0 0 0 255 0 0.2
            3 1e-1 2 -3 0 0 51 0.3 7 1
            """,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(ColmapTextModel.exists(in: folder))
        let model = try ColmapTextModel.read(folder: folder)
        XCTAssertEqual(model.images.map(\.name), ["b.jpg", "my frame.png"])
        XCTAssertEqual(model.images.map(\.id), [7, 3])

        let a = model.images[0].camera
        XCTAssertEqual(a.width, 640)
        XCTAssertEqual(a.intrinsics, Intrinsics(fx: 500, fy: 510, cx: 320, cy: 240))
        // World (0.5, -0.25, 2) is camera (0.5, -0.25, 7): pixel (500·0.5/7 + 320, 510·(-0.25)/7 + 240).
        let (pixel, depth) = a.project(Vec3(0.5, -0.25, 2))
        XCTAssertEqual(depth, 7, accuracy: 1e-12)
        XCTAssertEqual(pixel.x, 500 * 0.5 / 7 + 320, accuracy: 1e-9)
        XCTAssertEqual(pixel.y, 510 * -0.25 / 7 + 240, accuracy: 1e-9)

        let b = model.images[1].camera
        XCTAssertEqual(b.intrinsics.distortion.k1, 0.01)
        XCTAssertEqual(b.intrinsics.fx, 300)
        // R = rotation of 90° about y: (x, y, z) → (z, y, -x); plus t = (1, 2, 3).
        let c = b.pose.apply(Vec3(1, 0, 0))
        XCTAssertEqual(c.x, 1, accuracy: 1e-12)
        XCTAssertEqual(c.y, 2, accuracy: 1e-12)
        XCTAssertEqual(c.z, 2, accuracy: 1e-12)

        XCTAssertEqual(model.pointPositions, [0.5, -0.25, 2, 0, 0, 0, 0.1, 2, -3])
        XCTAssertEqual(model.pointColors, [1, 0, 0, 0, 1, 0, 0, 0, 0.2])
    }

    func testErrorsNameFileAndLine() throws {
        let folder = try write([
            "cameras.txt": "1 FISHEYE 10 10 1 2 3\n",
            "images.txt": "",
            "points3D.txt": "",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try ColmapTextModel.read(folder: folder)) { error in
            XCTAssertTrue("\(error)".contains("cameras.txt") && "\(error)".contains("line 1") && "\(error)".contains("FISHEYE"), "\(error)")
        }
        try "1 PINHOLE 10 10 5 5 5 5\n".write(to: folder.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        try "1 1 0 0 0 0 0 0 9 a.png\n\n".write(to: folder.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ColmapTextModel.read(folder: folder)) { error in
            XCTAssertTrue("\(error)".contains("camera 9"), "\(error)")
        }
    }
}
