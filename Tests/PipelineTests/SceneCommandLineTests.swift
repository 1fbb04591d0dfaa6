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
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        let missing = root.appendingPathComponent("missing.mov").path

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
}
