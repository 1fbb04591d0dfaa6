import Foundation
import Geometry
import Media
import XCTest
@testable import Pipeline

/// Which images and cameras the video route's fit starts from.
final class FitInputsTests: XCTestCase {
    private func writeModel(_ folder: URL, camera: String, names: [String]) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "1 \(camera)\n".write(to: folder.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        let images = names.enumerated().map { "\($0.offset + 1) 1 0 0 0 0 0 \($0.offset + 2) 1 \($0.element)\n\n" }.joined()
        try images.write(to: folder.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try "1 0 0 0 255 0 0 0.5\n2 0.1 0.2 0.3 0 255 0 0.5\n".write(to: folder.appendingPathComponent("points3D.txt"), atomically: true, encoding: .utf8)
    }

    func testUndistortedLayoutIsPreferred() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-fitinputs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = ["a.png", "b.png"]
        try writeModel(folder.appendingPathComponent("sparse"), camera: "RADIAL 100 80 100 50 40 0.01 0", names: names)
        for name in names {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
            try PNGFile.write(Image(width: 100, height: 80, fill: 0.5), to: folder.appendingPathComponent("images/" + name))
        }
        // Only the distorted model: nothing undistorted; the corner (0, 0) moves by
        // f·|n|·k1·|n|² with n = (-0.5, -0.4).
        XCTAssertNil(try FitInputs.undistorted(in: folder))
        let r2 = 0.25 + 0.16
        XCTAssertEqual(try FitInputs.distortionShift(in: folder), 100 * r2.squareRoot() * 0.01 * r2, accuracy: 1e-6)
        let (sparse, _) = try FitInputs.sparse(in: folder)
        XCTAssertEqual(sparse.frames.map(\.filePath), ["images/a.png", "images/b.png"])
        XCTAssertTrue(sparse.frames.allSatisfy { $0.camera.intrinsics.distortion.isNone })
        XCTAssertEqual(sparse.pointPositions.count, 6)

        // COLMAP's undistorter layout, as the estimate writes it above its distortion threshold.
        let undistorted = folder.appendingPathComponent("undistorted")
        try writeModel(undistorted.appendingPathComponent("sparse"), camera: "PINHOLE 100 80 100 100 50 40", names: names)
        try FileManager.default.createDirectory(at: undistorted.appendingPathComponent("images"), withIntermediateDirectories: true)
        for name in names { try PNGFile.write(Image(width: 100, height: 80, fill: 0.2), to: undistorted.appendingPathComponent("images/" + name)) }
        let (data, description) = try XCTUnwrap(try FitInputs.undistorted(in: folder))
        XCTAssertEqual(data.frames.map(\.filePath), ["undistorted/images/a.png", "undistorted/images/b.png"])
        XCTAssertEqual(data.views.count, 2)
        XCTAssertEqual(data.views[0].pixels[0], 51) // 0.2 × 255, not the distorted images' 128
        XCTAssertTrue(description.contains("undistorted/sparse"))

        // A model there that still has distortion is not taken for a pinhole one.
        try writeModel(undistorted.appendingPathComponent("sparse"), camera: "SIMPLE_RADIAL 100 80 100 50 40 0.02", names: names)
        XCTAssertNil(try FitInputs.undistorted(in: folder))
    }
}
