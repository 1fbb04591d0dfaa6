import Foundation
import Media
import Pipeline
import XCTest

final class FramesJobTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A 20-frame clip at 10 fps in which every odd frame is a blurred copy (camera shake).
    private func makeClip() throws -> URL {
        let url = folder.appendingPathComponent("clip.mp4")
        let writer = try VideoWriter(url: url, width: 96, height: 64, fps: 10)
        for i in 0..<20 {
            var image = Image(width: 96, height: 64)
            for y in 0..<64 {
                for x in 0..<96 {
                    // A fine checkerboard that moves one pixel per frame.
                    let v: Float = ((x + i) / 4 + y / 4) % 2 == 0 ? 0.85 : 0.15
                    for c in 0..<3 { image[x, y, c] = v }
                }
            }
            if i % 2 == 1 { image = boxBlur(image, radius: 3) }
            try writer.append(image)
        }
        try writer.finish()
        return url
    }

    private func boxBlur(_ image: Image, radius: Int) -> Image {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                for c in 0..<3 {
                    var sum: Float = 0, n: Float = 0
                    for dy in -radius...radius { for dx in -radius...radius {
                        let sx = min(max(x + dx, 0), image.width - 1), sy = min(max(y + dy, 0), image.height - 1)
                        sum += image[sx, sy, c]; n += 1
                    } }
                    out[x, y, c] = sum / n
                }
            }
        }
        return out
    }

    private func manifest(_ dir: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent("frames.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testEveryNthFrameWithTimestamps() throws {
        let clip = try makeClip()
        let out = folder.appendingPathComponent("frames")
        let result = try FramesJob.run(video: clip, output: out, options: FramesOptions(every: 5, longSide: 48), progress: nil)
        XCTAssertEqual(result.frames.map(\.index), [0, 5, 10, 15])
        let json = try manifest(out)
        let frames = try XCTUnwrap(json["frames"] as? [[String: Any]])
        XCTAssertEqual(frames.count, 4)
        XCTAssertEqual(frames.compactMap { $0["time"] as? Double }, [0, 0.5, 1.0, 1.5])
        for frame in frames {
            let image = try PNGFile.read(out.appendingPathComponent(frame["file"] as! String))
            XCTAssertEqual(image.width, 48)
            XCTAssertEqual(image.height, 32)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(names, ["frame_000001.png", "frame_000002.png", "frame_000003.png", "frame_000004.png", "frames.json"])
        // No staging folder is left beside the output.
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix(".") })
    }

    func testSharpestDropsBlurredFrames() throws {
        let clip = try makeClip()
        let out = folder.appendingPathComponent("sharp")
        let result = try FramesJob.run(video: clip, output: out, options: FramesOptions(every: 2, sharpest: true), progress: nil)
        XCTAssertEqual(result.frames.count, 10)
        XCTAssertEqual(result.droppedBlurry, 10)
        XCTAssertTrue(result.frames.allSatisfy { $0.index % 2 == 0 }, "kept \(result.frames.map(\.index))")

        let limited = try FramesJob.run(video: clip, output: folder.appendingPathComponent("limited"),
                                        options: FramesOptions(every: 2, maxFrames: 3, sharpest: true), progress: nil)
        XCTAssertEqual(limited.frames.map(\.index), [0, 2, 4])
    }

    func testBadInputLeavesNoOutput() throws {
        let out = folder.appendingPathComponent("never")
        let missing = folder.appendingPathComponent("missing.mp4")
        XCTAssertThrowsError(try FramesJob.run(video: missing, output: out, options: FramesOptions(), progress: nil)) { error in
            XCTAssertTrue("\(error)".contains(missing.path))
        }
        let text = folder.appendingPathComponent("text.mov")
        try String(repeating: "hello\n", count: 100).write(to: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FramesJob.run(video: text, output: out, options: FramesOptions(), progress: nil))
        XCTAssertThrowsError(try FramesJob.run(video: try makeClip(), output: out, options: FramesOptions(every: 1, sharpest: true), progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("--sharpest"))
        }
        XCTAssertThrowsError(try FramesJob.run(video: try makeClip(), output: out, options: FramesOptions(startSeconds: 50), progress: nil))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix(".") })
    }

    func testProbeDescribesVideoAndImage() throws {
        let clip = try makeClip()
        guard case .video(let info) = try ProbeJob.run(clip) else { return XCTFail("expected a video") }
        XCTAssertEqual(info.frameCount, 20)
        XCTAssertTrue(ProbeJob.text(.video(info)).contains("96×64"))
        let png = folder.appendingPathComponent("still.png")
        try PNGFile.write(Image(width: 7, height: 5, channels: 4), to: png)
        guard case .image(_, let imageInfo) = try ProbeJob.run(png) else { return XCTFail("expected an image") }
        XCTAssertEqual(imageInfo.channels, 4)
        XCTAssertEqual(imageInfo.width, 7)
    }
}
