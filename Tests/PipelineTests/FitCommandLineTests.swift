import Foundation
import Media
import XCTest

/// `vid2world fit` on bad input: a non-zero exit, one clear line naming the culprit, no output.
final class FitCommandLineTests: XCTestCase {
    private func fit(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let result = try CLIProcess.run(["fit"] + arguments)
        return (result.status, result.stderr)
    }

    func testBadDataFoldersAreNamed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-fitcli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("scene")
        func folder(_ name: String) throws -> URL {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.appendingPathComponent("images"), withIntermediateDirectories: true)
            return url
        }
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)

        let noCameras = try folder("nocameras")
        try PNGFile.write(Image(width: 8, height: 8, fill: 0.5), to: noCameras.appendingPathComponent("images/a.png"))

        func cameras(size: Int, files: [String]) -> String {
            let frames = files.map {
                "{\"file_path\": \"\($0)\", \"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,4],[0,0,0,1]]}"
            }
            return "{\"fl_x\": 10, \"fl_y\": 10, \"cx\": \(size / 2), \"cy\": \(size / 2), \"w\": \(size), \"h\": \(size), \"frames\": [\(frames.joined(separator: ","))]}"
        }
        let missingImage = try folder("missingimage")
        try PNGFile.write(Image(width: 8, height: 8, fill: 0.5), to: missingImage.appendingPathComponent("images/a.png"))
        try cameras(size: 8, files: ["images/a.png", "images/b.png"])
            .write(to: missingImage.appendingPathComponent("cameras.json"), atomically: true, encoding: .utf8)

        let wrongSize = try folder("wrongsize")
        try PNGFile.write(Image(width: 8, height: 8, fill: 0.5), to: wrongSize.appendingPathComponent("images/a.png"))
        try cameras(size: 16, files: ["images/a.png"])
            .write(to: wrongSize.appendingPathComponent("transforms.json"), atomically: true, encoding: .utf8)

        let cases: [(String, [String])] = [
            (root.appendingPathComponent("absent").path, ["absent", "no such folder"]),
            (empty.path, ["empty"]),
            (noCameras.path, ["nocameras", "no cameras file"]),
            (missingImage.path, ["images/b.png", "missing"]),
            (wrongSize.path, ["a.png", "8×8", "16×16"]),
        ]
        for (data, words) in cases {
            let result = try fit([data, "--out", out.path, "--iterations", "5"])
            XCTAssertNotEqual(result.status, 0, data)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "\(word) not in: \(result.stderr)") }
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        }
        for (flags, word) in [(["--strategy", "fancy"], "--strategy"), (["--sh-degree", "4"], "--sh-degree"),
                              (["--holdout-every", "1"], "--holdout-every"), (["--max-splats", "0"], "--max-splats"),
                              (["--downscale-levels", "5"], "--downscale-levels"),
                              (["--downscale-interval", "0"], "--downscale-interval")] {
            let result = try fit([wrongSize.path, "--out", out.path] + flags)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(word), result.stderr)
        }
        let resume = try fit([missingImage.path, "--out", out.path, "--resume"])
        XCTAssertNotEqual(resume.status, 0)
    }
}
