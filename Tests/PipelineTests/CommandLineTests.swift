import Foundation
import Media
import XCTest

/// Runs the built `vid2world` binary as a user would and checks exit codes, messages and outputs.
final class CommandLineTests: XCTestCase {
    private func binary() throws -> URL { try CLIProcess.binary() }

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLIProcess.run(arguments)
    }

    func testBadInputsExitNonZeroWithOneClearLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.mp4")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        let text = folder.appendingPathComponent("notes.mp4")
        try "plain text".write(to: text, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")

        for (input, words) in [(folder.appendingPathComponent("missing.mp4").path, "no such file"),
                               (empty.path, "empty"), (text.path, "not an image or video")] {
            let result = try run(["frames", input, "--out", out.path])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(input) && result.stderr.contains(words), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        }
        let probe = try run(["probe", empty.path])
        XCTAssertNotEqual(probe.status, 0)
        XCTAssertTrue(probe.stderr.contains("empty"))

        let bothPlans = try run(["estimate", folder.path, "--out", out.path, "--exhaustive", "--sequential", "3"])
        XCTAssertNotEqual(bothPlans.status, 0)
        XCTAssertTrue(bothPlans.stderr.contains("--exhaustive") && bothPlans.stderr.contains("--sequential"), bothPlans.stderr)
        XCTAssertEqual(bothPlans.stderr.split(separator: "\n").count, 1, bothPlans.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))

        let wrongFlag = try run(["frames", text.path, "--out", out.path, "--evry", "3"])
        XCTAssertNotEqual(wrongFlag.status, 0)
        XCTAssertTrue(wrongFlag.stderr.contains("--evry"), wrongFlag.stderr)
    }

    func testProbeJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MediaTests/Fixtures/rgba16.png")
        let result = try run(["probe", fixture.path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["channels"] as? Int, 4)
        XCTAssertEqual(object["bit_depth"] as? Int, 16)
        XCTAssertEqual(object["width"] as? Int, 5)
    }

    /// Ctrl-C during a long run: exit status 130 and no output folder.
    func testInterruptStopsCleanly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = folder.appendingPathComponent("long.mp4")
        let writer = try VideoWriter(url: clip, width: 128, height: 96, fps: 30)
        for i in 0..<900 { try writer.append(Image(width: 128, height: 96, fill: Float(i % 30) / 30)) }
        try writer.finish()
        let out = folder.appendingPathComponent("frames")

        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["frames", clip.path, "--out", out.path, "--json"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = Pipe()
        try process.run()
        // Wait for the first progress line, then interrupt.
        var seen = Data()
        while !seen.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["long.mp4"])
    }
}
