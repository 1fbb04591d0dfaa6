import Foundation
import XCTest

/// Runs the built `vid2world` binary as a user would, for the command-line tests.
enum CLIProcess {
    /// The executable sits in the build products folder, next to the test bundle.
    static func binary() throws -> URL {
        var candidates = [Bundle.main.bundleURL, Bundle(for: Marker.self).bundleURL].map { $0.deletingLastPathComponent() }
        candidates += [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for dir in candidates {
            for base in [dir, dir.deletingLastPathComponent()] {
                let url = base.appendingPathComponent("vid2world")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        throw XCTSkip("vid2world binary not found beside the tests (build it with `swift build`)")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    private final class Marker {}
}
