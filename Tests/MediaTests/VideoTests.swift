import Foundation
import Media
import XCTest

final class VideoTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func encode(_ name: String, frames: Int, width: Int, height: Int, fps: Double, rotation: Int = 0) throws -> URL {
        let url = folder.appendingPathComponent(name)
        let writer = try VideoWriter(url: url, width: width, height: height, fps: fps, rotation: rotation)
        for i in 0..<frames { try writer.append(syntheticFrame(i, width: width, height: height)) }
        try writer.finish()
        return url
    }

    func testEncodeDecodeRoundTrip() throws {
        let url = try encode("clip.mp4", frames: 24, width: 96, height: 64, fps: 12)
        let info = try VideoReader.probe(url)
        XCTAssertEqual(info.width, 96)
        XCTAssertEqual(info.height, 64)
        XCTAssertEqual(info.fps, 12, accuracy: 1e-9)
        XCTAssertEqual(info.frameCount, 24)
        XCTAssertEqual(info.durationSeconds, 2, accuracy: 0.1)
        XCTAssertEqual(info.rotation, 0)

        let reader = try VideoReader(url: url)
        var count = 0
        var total = 0.0
        while let frame = try reader.next() {
            XCTAssertEqual(frame.index, count)
            XCTAssertEqual(frame.time, Double(count) / 12, accuracy: 1e-6)
            total += psnr(frame.image, syntheticFrame(count, width: 96, height: 64))
            count += 1
        }
        XCTAssertEqual(count, 24)
        XCTAssertGreaterThanOrEqual(total / Double(count), 35)
        // No temporary file is left beside the video.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["clip.mp4"])
    }

    func testOddSizeAndNonIntegerRate() throws {
        let url = try encode("odd.mp4", frames: 5, width: 33, height: 21, fps: 30000.0 / 1001)
        let reader = try VideoReader(url: url)
        XCTAssertEqual(reader.info.fps, 30000.0 / 1001, accuracy: 1e-9)
        let frame = try XCTUnwrap(reader.next())
        XCTAssertEqual(frame.image.width, 34)  // padded to even for 4:2:0
        XCTAssertEqual(frame.image.height, 22)
    }

    func testStepMaxLongSideAndTimeRange() throws {
        let url = try encode("clip.mp4", frames: 30, width: 128, height: 64, fps: 10)
        var options = VideoReadOptions(step: 3, maxFrames: 4, longSide: 64)
        var reader = try VideoReader(url: url, options: options)
        var indices: [Int] = []
        while let frame = try reader.next() {
            indices.append(frame.index)
            XCTAssertEqual(frame.image.width, 64)
            XCTAssertEqual(frame.image.height, 32)
        }
        XCTAssertEqual(indices, [0, 3, 6, 9])

        options = VideoReadOptions(startSeconds: 1.0, endSeconds: 2.0)
        reader = try VideoReader(url: url, options: options)
        var times: [Double] = []
        while let frame = try reader.next() { times.append(frame.time) }
        XCTAssertEqual(times.count, 10)
        XCTAssertEqual(times.first ?? -1, 1.0, accuracy: 1e-6)
        XCTAssertEqual(times.last ?? -1, 1.9, accuracy: 1e-6)
    }

    /// A phone stores portrait video as landscape frames plus a display matrix: decode must rotate.
    func testRotationMatrixDecodesUpright() throws {
        let stored = syntheticFrame(0, width: 64, height: 32)
        let url = folder.appendingPathComponent("portrait.mp4")
        let writer = try VideoWriter(url: url, width: 64, height: 32, fps: 10, rotation: 90)
        for _ in 0..<3 { try writer.append(stored) }
        try writer.finish()

        let reader = try VideoReader(url: url)
        XCTAssertEqual(reader.info.rotation, 90)
        XCTAssertEqual(reader.info.storedWidth, 64)
        XCTAssertEqual(reader.info.width, 32)
        XCTAssertEqual(reader.info.height, 64)
        let frame = try XCTUnwrap(reader.next()).image
        XCTAssertEqual(frame.width, 32)
        XCTAssertEqual(frame.height, 64)
        // Clockwise by 90°: the stored top-left corner ends at the top-right.
        var expected = Image(width: 32, height: 64, channels: 3)
        for y in 0..<32 { for x in 0..<64 { for c in 0..<3 { expected[31 - y, x, c] = stored[x, y, c] } } }
        XCTAssertGreaterThan(psnr(frame, expected), 30)
    }

    /// The same file through the ffmpeg command-line tool (an independent reader that applies the
    /// display matrix itself), when it is installed.
    func testRotationAgreesWithFFmpegTool() throws {
        guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("ffmpeg tool not installed")
        }
        let url = try encode("portrait.mp4", frames: 2, width: 64, height: 32, fps: 10, rotation: 270)
        let raw = folder.appendingPathComponent("frame.rgb")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-loglevel", "error", "-i", url.path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", raw.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let bytes = [UInt8](try Data(contentsOf: raw))
        XCTAssertEqual(bytes.count, 32 * 64 * 3)
        let theirs = Image(width: 32, height: 64, channels: 3, bytes: bytes)
        let ours = try XCTUnwrap(try VideoReader(url: url).next()).image
        XCTAssertGreaterThan(psnr(ours, theirs), 30)
        // Both show the stored frame turned 270° clockwise: its top-left corner at the bottom-left.
        let stored = syntheticFrame(0, width: 64, height: 32)
        var expected = Image(width: 32, height: 64, channels: 3)
        for y in 0..<32 { for x in 0..<64 { for c in 0..<3 { expected[y, 63 - x, c] = stored[x, y, c] } } }
        XCTAssertGreaterThan(psnr(theirs, expected), 30)
    }

    func testJPEGMatchesFFmpegToolDecode() throws {
        let image = try ImageFile.read(fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        XCTAssertEqual(image.width, 96)
        XCTAssertEqual(image.height, 64)
        let reference = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("kitchen_96x64.rgb")))
        XCTAssertGreaterThan(psnr(image, Image(width: 96, height: 64, channels: 3, bytes: reference)), 35)
        let info = try ImageFile.info(fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        XCTAssertEqual(info.width, 96)
        XCTAssertEqual(info.channels, 3)
    }

    func testBadVideosGiveClearErrors() throws {
        let missing = folder.appendingPathComponent("missing.mp4")
        assertMediaError(missing.path, mentions: "no such file") { _ = try VideoReader(url: missing) }

        let empty = folder.appendingPathComponent("empty.mp4")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        assertMediaError(empty.path, mentions: "empty") { _ = try VideoReader(url: empty) }

        let text = folder.appendingPathComponent("notes.mp4")
        try String(repeating: "not a video at all\n", count: 50).write(to: text, atomically: true, encoding: .utf8)
        assertMediaError(text.path, mentions: "not an image or video") { _ = try VideoReader(url: text) }

        // Cut in half: the index at the end of the MP4 is gone.
        let good = try encode("good.mp4", frames: 20, width: 64, height: 48, fps: 10)
        let data = try Data(contentsOf: good)
        let half = folder.appendingPathComponent("half.mp4")
        try data.prefix(data.count / 2).write(to: half)
        assertMediaError(half.path, mentions: "truncated") {
            let reader = try VideoReader(url: half)
            while try reader.next() != nil {}
        }

        let jpeg = try Data(contentsOf: fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        let cut = folder.appendingPathComponent("cut.jpg")
        try jpeg.prefix(jpeg.count / 2).write(to: cut)
        assertMediaError(cut.path, mentions: "truncated") { _ = try ImageFile.read(cut) }

        // Audio only: no video stream.
        XCTAssertThrowsError(try VideoReadOptions(step: 0).validate())
        XCTAssertThrowsError(try VideoWriter(url: folder.appendingPathComponent("x.mp4"), width: 0, height: 10, fps: 10))
    }

    func testUnfinishedWriterLeavesNothing() throws {
        do {
            let writer = try VideoWriter(url: folder.appendingPathComponent("never.mp4"), width: 32, height: 32, fps: 10)
            try writer.append(syntheticFrame(0, width: 32, height: 32))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
