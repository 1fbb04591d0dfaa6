import Foundation
import Media
import XCTest

/// `vid2world INPUT ...` refuses wrong inputs and flags with one line naming the culprit.
final class SceneCommandLineTests: XCTestCase {
    func testWrongInputsAndFlags() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-scenecli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("scene").path
        let video = root.appendingPathComponent("walk.mp4")
        let writer = try VideoWriter(url: video, width: 32, height: 32, fps: 10)
        for i in 0..<6 { try writer.append(Image(width: 32, height: 32, fill: Float(i) / 6)) }
        try writer.finish()
        let blank = root.appendingPathComponent("blank.png")
        try PNGFile.write(Image(width: 40, height: 30, fill: 0.5), to: blank)
        let empty = root.appendingPathComponent("empty.jpg")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        let missing = root.appendingPathComponent("missing.mov").path
        let junkImage = root.appendingPathComponent("junk.png"), junkVideo = root.appendingPathComponent("junk.mp4")
        for url in [junkImage, junkVideo] { try Data((0..<500).map { UInt8(($0 * 37) % 251) }).write(to: url) }

        let cases: [([String], [String])] = [
            ([video.path, "--orbit"], ["--orbit", "walk.mp4", "video"]),
            ([video.path, "--views", "8"], ["--views", "walk.mp4"]),
            ([missing], ["missing.mov", "no such file"]),
            ([empty.path, "--orbit"], ["empty.jpg", "empty"]),
            ([blank.path], ["blank.png", "--orbit"]),
            ([blank.path, "--orbit", "--keyframes", "5"], ["--keyframes"]),
            ([blank.path, "--orbit"], ["blank.png", "no object found"]),
            (["generate", blank.path], ["blank.png", "no object found"]),
            (["generate", missing], ["missing.mov", "no such file"]),
            ([junkImage.path, "--orbit"], ["junk.png"]),
            ([junkVideo.path], ["junk.mp4"]),
        ]
        for (arguments, words) in cases {
            let result = try CLIProcess.run(arguments + ["--out", out])
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            for word in words { XCTAssertTrue(result.stderr.contains(word), "\(word) not in: \(result.stderr)") }
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        // The stage commands are still reached by name.
        let probe = try CLIProcess.run(["probe", video.path])
        XCTAssertEqual(probe.status, 0, probe.stderr)
        XCTAssertTrue(probe.stdout.contains("video"), probe.stdout)
    }

    /// The orbit route through the command line, with the weights given by --weights.
    func testOrbitRouteRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-scenecli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let weights = root.appendingPathComponent("weights")
        try TinyOrbitModel.write(to: weights)
        var image = Image(width: 64, height: 64, channels: 4, fill: 0)
        for y in 20..<44 { for x in 16..<40 { image[x, y, 0] = 0.8; image[x, y, 1] = 0.3; image[x, y, 3] = 1 } }
        let input = root.appendingPathComponent("thing.png")
        try PNGFile.write(image, to: input)
        let out = root.appendingPathComponent("scene")
        let result = try CLIProcess.run([input.path, "--orbit", "--out", out.path, "--weights", weights.path,
                                         "--steps", "2", "--iterations", "20", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let last = try XCTUnwrap(result.stdout.split(separator: "\n").last)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(object["route"] as? String, "orbit")
        XCTAssertEqual(object["views"] as? Int, TinyOrbitModel.views)
        for name in ["scene.ply", "preview.mp4", "orbit.mp4", "cameras.json", "report.json", "input.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
    }
}
