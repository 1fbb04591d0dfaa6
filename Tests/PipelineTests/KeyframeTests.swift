import Foundation
import Media
@testable import Pipeline
import XCTest

final class KeyframeTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-keyframes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A 160 × 96 window panning over a blob texture: `pans` gives the shift (pixels) of each
    /// frame from the previous one; frames in `blurred` are box-blurred copies (camera shake).
    private func makeClip(pans: [Int], blurred: Set<Int>) throws -> URL {
        let url = folder.appendingPathComponent("clip.mp4")
        let writer = try VideoWriter(url: url, width: 160, height: 96, fps: 10)
        var x0 = 0
        for (i, pan) in pans.enumerated() {
            x0 += pan
            var image = texture(offset: x0)
            if blurred.contains(i) { image = boxBlur(image, radius: 4) }
            try writer.append(image)
        }
        try writer.finish()
        return url
    }

    /// Smooth random-looking blobs (sums of sinusoids): trackable and survives H.264.
    private func texture(offset: Int) -> Image {
        var image = Image(width: 160, height: 96)
        for y in 0..<96 {
            for x in 0..<160 {
                let u = Double(x + offset), v = Double(y)
                let s = sin(u * 0.21 + 1.3 * sin(v * 0.07)) * cos(v * 0.19 + 0.8 * sin(u * 0.05)) + 0.5 * sin(u * 0.53 + v * 0.31)
                let value = Float(0.5 + 0.3 * s)
                for c in 0..<3 { image[x, y, c] = value }
            }
        }
        return image
    }

    private func boxBlur(_ image: Image, radius: Int) -> Image {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sum: Float = 0, n: Float = 0
                for dx in -radius...radius {  // horizontal: motion blur
                    sum += image[min(max(x + dx, 0), image.width - 1), y, 0]; n += 1
                }
                for c in 0..<3 { out[x, y, c] = sum / n }
            }
        }
        return out
    }

    func testMotionOfAPanMatchesTheShift() throws {
        var motion = FrameMotion()
        XCTAssertNil(motion.next(texture(offset: 0)))
        let measured = try XCTUnwrap(motion.next(texture(offset: 3)))
        XCTAssertEqual(measured * 160, 3, accuracy: 0.3, "median displacement in pixels")
        let still = try XCTUnwrap(motion.next(texture(offset: 3)))
        XCTAssertLessThan(still * 160, 0.1)
    }

    /// Camera pans, stops for 30 frames, pans again; some moving frames are blurred. The still
    /// part gives at most one keyframe, blurred frames none, and every frame is accounted for.
    func testStillStretchGivesFewKeyframesAndBlurIsDropped() throws {
        let pans = [0] + [Int](repeating: 3, count: 24) + [Int](repeating: 0, count: 30) + [Int](repeating: 3, count: 24)
        let blurred: Set<Int> = [6, 7, 15, 62, 70]
        let clip = try makeClip(pans: pans, blurred: blurred)
        var options = KeyframeSelectionOptions()
        options.minSpacing = 0.05  // 8 px of the 160 px frame
        let out = folder.appendingPathComponent("frames")
        let result = try KeyframeExtraction.run(video: clip, into: out, longSide: nil, options: options, progress: nil)

        let still = 25..<55
        let inStill = result.keyframes.filter { still.contains($0) }
        XCTAssertLessThanOrEqual(inStill.count, 1, "keyframes while the camera stood still: \(inStill)")
        // Each pan of 72 px at ≥ 8 px spacing gives several keyframes.
        XCTAssertGreaterThanOrEqual(result.keyframes.filter { $0 < 25 }.count, 4)
        XCTAssertGreaterThanOrEqual(result.keyframes.filter { $0 >= 55 }.count, 4)
        XCTAssertTrue(blurred.isDisjoint(with: result.keyframes), "blurred frames chosen: \(blurred.intersection(result.keyframes))")
        for i in blurred { XCTAssertEqual(result.dropped[i], .blurry, "frame \(i)") }
        XCTAssertGreaterThanOrEqual(still.filter { result.dropped[$0] == .littleMotion }.count, 29)
        XCTAssertEqual(result.keyframes.count + result.dropped.count, pans.count)

        // frames.json, re-read: the PNGs written and the dropped frames as ranges with reasons.
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("frames.json"))) as? [String: Any])
        let frames = try XCTUnwrap(manifest["frames"] as? [[String: Any]])
        XCTAssertEqual(frames.compactMap { $0["index"] as? Int }, result.keyframes)
        for frame in frames { XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(frame["file"] as! String).path)) }
        let ranges = try XCTUnwrap(manifest["dropped"] as? [[String: Any]])
        let listed = ranges.reduce(0) { $0 + ($1["to"] as! Int) - ($1["from"] as! Int) + 1 }
        XCTAssertEqual(listed, result.dropped.count)
    }

    func testBudgetWidensSpacingAndReportsOverBudget() {
        let n = 200
        let sharpness = (0..<n).map { 1 + 0.1 * sin(Double($0)) }
        let motion = [Double](repeating: 0.01, count: n)
        var options = KeyframeSelectionOptions()
        options.minSpacing = 0.02
        options.budget = 20
        let result = KeyframeSelection.choose(sharpness: sharpness, motion: motion, options: options)
        XCTAssertLessThanOrEqual(result.keyframes.count, 20)
        XCTAssertGreaterThanOrEqual(result.keyframes.count, 15)
        XCTAssertGreaterThan(result.dropped.values.filter { $0 == .overBudget }.count, 0)
        // Spread over the whole clip, not bunched at its start.
        XCTAssertGreaterThan(result.keyframes.last!, 170)
        XCTAssertLessThan(result.keyframes.first!, 15)
    }
}
