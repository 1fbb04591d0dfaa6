import Foundation
import Media
import Pipeline
import Reporting
import XCTest

/// A sink that presses "Ctrl-C" once the stage has done `after` units.
private final class InterruptingSink: ProgressSink, @unchecked Sendable {
    let after: Int
    init(after: Int) { self.after = after }
    func emit(_ event: ProgressEvent) { if event.done >= after { Cancellation.request() } }
    func note(_ text: String) {}
}

final class CancellationTests: XCTestCase {
    override func tearDown() { Cancellation.reset() }

    func testFramesJobStopsAndLeavesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-cancel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = folder.appendingPathComponent("clip.mp4")
        let writer = try VideoWriter(url: clip, width: 64, height: 48, fps: 10)
        for i in 0..<40 { try writer.append(Image(width: 64, height: 48, fill: Float(i) / 40)) }
        try writer.finish()

        let out = folder.appendingPathComponent("frames")
        XCTAssertThrowsError(try FramesJob.run(video: clip, output: out, options: FramesOptions(),
                                               progress: InterruptingSink(after: 1))) { error in
            XCTAssertTrue(error is CancelledError, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["clip.mp4"])
    }
}
