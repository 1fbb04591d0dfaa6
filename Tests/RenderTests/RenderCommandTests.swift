import Foundation
import Geometry
import XCTest

/// Runs `vid2world render` as a user would.
final class RenderCommandTests: XCTestCase {
    private func binary() throws -> URL {
        // The test bundle sits in the build products folder, next to the executable.
        var candidates = [Bundle.main.bundleURL, Bundle(for: Self.self).bundleURL].map { $0.deletingLastPathComponent() }
        candidates += [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for dir in candidates {
            for base in [dir, dir.deletingLastPathComponent()] {
                let url = base.appendingPathComponent("vid2world")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        throw XCTSkip("vid2world binary not found beside the tests (build it with `swift build`)")
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    func testRenderCommandWritesOutputsAndRejectsBadRecipes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.yaml")
        try """
        objects: [{procedural: {parts: [2, 3]}}]
        camera: {orbit: {views: 2, width: 32, height: 24}}
        """.write(to: good, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let ok = try run(["render", good.path, "--out", out.path, "--seed", "7"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let cameras = try TransformsFile.read(from: out.appendingPathComponent("cameras.json"))
        XCTAssertEqual(cameras.frames.count, 2)
        for name in ["images/frame_00001.png", "depth/frame_00001.png", "render.mp4"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }

        let bad = folder.appendingPathComponent("bad.yaml")
        try "objects: [{sphere: {radius: 1}, texture: {kind: noise, scale: 2.5}}]\ncamera: {orbit: {}}\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let failed = try run(["render", bad.path, "--out", folder.appendingPathComponent("bad-out").path])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("bad.yaml: objects[0].texture.scale: expected a whole number"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad-out").path))
    }
}
