import Foundation
import XCTest
@testable import Estimate
import Geometry
import Media
import Reporting

/// Collects progress events.
final class RecordingSink: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [ProgressEvent] = []
    func emit(_ event: ProgressEvent) { lock.withLock { events.append(event) } }
    func note(_ text: String) {}
}

/// Gray image resampled under p' = s R (p − c) + c' (pixel-centre coordinates), bilinear,
/// zero outside; the same size as the input.
func warped(_ gray: [Float], width: Int, height: Int, angle: Double, scale: Double) -> [Float] {
    var out = [Float](repeating: 0, count: width * height)
    let c = Vec2(Double(width) / 2, Double(height) / 2)
    let cosA = cos(angle), sinA = sin(angle)
    for y in 0..<height {
        for x in 0..<width {
            // Inverse map of the pixel centre.
            let d = (Vec2(Double(x) + 0.5, Double(y) + 0.5) - c) / scale
            let p = Vec2(cosA * d.x + sinA * d.y, -sinA * d.x + cosA * d.y) + c - Vec2(0.5, 0.5)
            let x0 = Int(p.x.rounded(.down)), y0 = Int(p.y.rounded(.down))
            guard x0 >= 0, y0 >= 0, x0 + 1 < width, y0 + 1 < height else { continue }
            let fx = Float(p.x - Double(x0)), fy = Float(p.y - Double(y0))
            let i = y0 * width + x0
            let top = gray[i] + fx * (gray[i + 1] - gray[i])
            let bottom = gray[i + width] + fx * (gray[i + width + 1] - gray[i + width])
            out[y * width + x] = top + fy * (bottom - top)
        }
    }
    return out
}

final class FeatureTests: XCTestCase {
    func loadKitchen() throws -> Image { try ImageFile.read(fixtures.appendingPathComponent("kitchen00_320.jpg")) }

    func testDescriptorsAreUnitRootSIFTAndTheCapKeepsThePriorityOrder() throws {
        let image = try loadKitchen()
        for priority in [KeypointPriority.largestScale, .strongestResponse] {
            var options = FeatureOptions()
            options.priority = priority
            let all = try FeatureExtractor(options: options).extract(image)
            XCTAssertGreaterThan(all.count, 300)
            for k in 0..<all.count {
                let d = all.descriptor(k)
                XCTAssertEqual(d.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-4)
                XCTAssertTrue(d.allSatisfy { $0 >= 0 })
                let p = all.keypoints[k]
                XCTAssertTrue(p.x >= 0 && p.y >= 0 && p.x <= Float(image.width) && p.y <= Float(image.height))
                XCTAssertTrue(p.orientation >= 0 && p.orientation < 2 * .pi)
                if k > 0 {
                    let previous = all.keypoints[k - 1]
                    if priority == .largestScale { XCTAssertLessThanOrEqual(p.scale, previous.scale * (1 + 1e-6)) }
                    else { XCTAssertLessThanOrEqual(p.response, previous.response) }
                }
            }
            options.maxKeypoints = 50
            let capped = try FeatureExtractor(options: options).extract(image)
            XCTAssertEqual(capped.count, 50)
            XCTAssertEqual(capped.keypoints, Array(all.keypoints.prefix(50)))
            XCTAssertEqual(capped.descriptors, Array(all.descriptors.prefix(50 * 128)))
        }
    }

    func testSameResultOnOneAndTwoThreadsAndInBatches() throws {
        let image = try loadKitchen()
        var one = FeatureOptions()
        one.threads = 1
        var two = FeatureOptions()
        two.threads = 2
        let a = try FeatureExtractor(options: one).extract(image)
        let b = try FeatureExtractor(options: two).extract(image)
        XCTAssertEqual(a, b)
        let batch = try FeatureExtractor(options: two).extract([image, image, image])
        XCTAssertEqual(batch, [a, a, a])
        let sink = RecordingSink()
        _ = try FeatureExtractor(options: two).extract([image, image], progress: Progress(stage: "features", total: 2, sink: sink, minimumInterval: 0))
        XCTAssertEqual(sink.events.last?.done, 2)
        XCTAssertEqual(sink.events.last?.finished, true)
        let url = fixtures.appendingPathComponent("kitchen00_320.jpg")
        let fromFiles = try FeatureExtractor(options: two).extract(files: [url, url])
        XCTAssertEqual(fromFiles, [a, a])
        XCTAssertThrowsError(try FeatureExtractor(options: two).extract(files: [url, fixtures.appendingPathComponent("missing.jpg")]))
    }

    /// Keypoints found in a rotated and scaled copy sit where the original's are, and their
    /// descriptors match the original's correct keypoints.
    func testKeypointsRepeatUnderRotationAndScale() throws {
        let image = try loadKitchen()
        let w = image.width, h = image.height
        let extractor = try FeatureExtractor()
        let original = try extractor.extract(image)
        for (degrees, scale) in [(30.0, 1.0), (-45.0, 0.8), (90.0, 1.2)] {
            let angle = degrees * .pi / 180
            let gray = warped(image.gray(), width: w, height: h, angle: angle, scale: scale)
            let moved = try extractor.extract(gray: gray, width: w, height: h)
            let c = Vec2(Double(w) / 2, Double(h) / 2)
            func back(_ k: Keypoint) -> Vec2 {
                let d = (Vec2(Double(k.x), Double(k.y)) - c) / scale
                return Vec2(cos(angle) * d.x + sin(angle) * d.y, -sin(angle) * d.x + cos(angle) * d.y) + c
            }
            func distance(_ a: Vec2, _ k: Keypoint) -> Double { ((a.x - Double(k.x)) * (a.x - Double(k.x)) + (a.y - Double(k.y)) * (a.y - Double(k.y))).squareRoot() }
            func forward(_ k: Keypoint) -> Vec2 {
                let d = Vec2(Double(k.x), Double(k.y)) - c
                return Vec2(cos(angle) * d.x - sin(angle) * d.y, sin(angle) * d.x + cos(angle) * d.y) * scale + c
            }
            let margin = 10.0
            func inside(_ p: Vec2) -> Bool { p.x > margin && p.y > margin && p.x < Double(w) - margin && p.y < Double(h) - margin }
            // Repeatability is counted from the coarser image (the one whose detail the other
            // holds): keypoints of that image, inside both images, with a keypoint of the other
            // within 2 px (measured in original pixels).
            var considered = 0, repeated = 0
            if scale <= 1 {
                for k in moved.keypoints where inside(Vec2(Double(k.x), Double(k.y))) && inside(back(k)) {
                    considered += 1
                    if original.keypoints.contains(where: { distance(back(k), $0) <= 2 }) { repeated += 1 }
                }
            } else {
                for k in original.keypoints where inside(Vec2(Double(k.x), Double(k.y))) && inside(forward(k)) {
                    considered += 1
                    if moved.keypoints.contains(where: { distance(forward(k), $0) <= 2 * scale }) { repeated += 1 }
                }
            }
            let repeatability = Double(repeated) / Double(max(considered, 1))
            let matches = try Matcher.match(moved, original)
            let correct = matches.filter { distance(back(moved.keypoints[$0.index1]), original.keypoints[$0.index2]) <= 3 }
            let precision = Double(correct.count) / Double(max(matches.count, 1))
            // Orientation of correct matches: the warped keypoint's minus the original's ≈ rotation.
            let orientationErrors = correct.map { m -> Double in
                var e = Double(moved.keypoints[m.index1].orientation - original.keypoints[m.index2].orientation) - angle
                e = atan2(sin(e), cos(e))
                return abs(e)
            }.sorted()
            let medianOrientationError = orientationErrors.isEmpty ? .pi : orientationErrors[orientationErrors.count / 2]
            print("rotation \(degrees)° scale \(scale): \(considered) keypoints, repeatability \(repeatability), matches \(matches.count), precision \(precision), median orientation error \(medianOrientationError * 180 / .pi)°")
            XCTAssertGreaterThan(considered, 150)
            XCTAssertGreaterThanOrEqual(repeatability, 0.6)
            XCTAssertGreaterThan(correct.count, 100)
            XCTAssertGreaterThanOrEqual(precision, 0.9)
            XCTAssertLessThan(medianOrientationError, 2 * .pi / 180)
        }
    }

    func testRejectsBadInputAndOptions() throws {
        let extractor = try FeatureExtractor()
        XCTAssertThrowsError(try extractor.extract(gray: [Float](repeating: 0, count: 100), width: 10, height: 10)) {
            XCTAssertTrue("\($0)".contains("too small"))
        }
        XCTAssertThrowsError(try extractor.extract(gray: [Float](repeating: 0, count: 100), width: 40, height: 40))
        var options = FeatureOptions()
        options.maxKeypoints = 0
        XCTAssertThrowsError(try FeatureExtractor(options: options)) { XCTAssertTrue("\($0)".contains("maxKeypoints")) }
        options = FeatureOptions()
        options.assumedBlur = 2
        XCTAssertThrowsError(try FeatureExtractor(options: options)) { XCTAssertTrue("\($0)".contains("assumedBlur")) }
        // A blank image has no features, and that is not an error.
        let blank = try extractor.extract(gray: [Float](repeating: 0.5, count: 64 * 64), width: 64, height: 64)
        XCTAssertEqual(blank.count, 0)
    }
}
