import Foundation
import XCTest
@testable import Estimate
import Geometry
import Media

final class MatchingTests: XCTestCase {
    /// Random unit descriptors (non-negative, like RootSIFT).
    func randomDescriptors(_ count: Int, rng: inout SeededGenerator) -> [Float] {
        var out: [Float] = []
        for _ in 0..<count {
            let v = (0..<128).map { _ in Float(rng.nextDouble()) }
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            out += v.map { $0 / n }
        }
        return out
    }

    /// The obvious O(n²) version: Euclidean distances, nearest two, ratio, distance and mutual
    /// checks.
    func referenceMatches(_ a: [Float], _ b: [Float], _ options: MatchOptions) -> [Match] {
        let n1 = a.count / 128, n2 = b.count / 128
        func dist(_ i: Int, _ j: Int) -> Float {
            var s: Float = 0
            for k in 0..<128 { let d = a[i * 128 + k] - b[j * 128 + k]; s += d * d }
            return s.squareRoot()
        }
        var d = [[Float]](repeating: [], count: n1)
        for i in 0..<n1 { d[i] = (0..<n2).map { dist(i, $0) } }
        var out: [Match] = []
        for i in 0..<n1 {
            let sorted = d[i].indices.sorted { d[i][$0] < d[i][$1] }
            let j = sorted[0]
            guard d[i][j] <= options.maxDistance, d[i][j] < options.maxRatio * d[i][sorted[1]] else { continue }
            let back = (0..<n1).min { d[$0][j] < d[$1][j] }!
            if options.crossCheck && back != i { continue }
            out.append(Match(index1: i, index2: j, distance: d[i][j]))
        }
        return out
    }

    func testBlasMatcherAgreesWithBruteForce() throws {
        var rng = SeededGenerator(seed: 41)
        let a = randomDescriptors(300, rng: &rng)
        // b: a noisy, shuffled copy of the first 200 of a, plus 100 unrelated descriptors.
        var b: [Float] = []
        let order = (0..<200).shuffled(using: &rng)
        for i in order {
            var v = (0..<128).map { a[i * 128 + $0] + Float(rng.nextGaussian() * 0.01) }
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = v.map { $0 / n }
            b += v
        }
        b += randomDescriptors(100, rng: &rng)
        for options in [MatchOptions(), MatchOptions(maxRatio: 0.95, maxDistance: 1.4, crossCheck: false, blockRows: 7)] {
            let fast = try Matcher.match(descriptors1: a, descriptors2: b, options: options)
            let slow = referenceMatches(a, b, options)
            XCTAssertEqual(fast.map { [$0.index1, $0.index2] }, slow.map { [$0.index1, $0.index2] })
            for (f, s) in zip(fast, slow) { XCTAssertEqual(f.distance, s.distance, accuracy: 1e-4) }
        }
        // With the defaults, every noisy copy is found and nothing else.
        let matches = try Matcher.match(descriptors1: a, descriptors2: b)
        XCTAssertEqual(matches.count, 200)
        for m in matches { XCTAssertEqual(order[m.index2], m.index1) }
    }

    func testRatioTestRejectsAmbiguousMatches() throws {
        var rng = SeededGenerator(seed: 42)
        let a = randomDescriptors(1, rng: &rng)
        // Two near-identical candidates: the ratio is ≈ 1, so no match.
        let b = a + a.map { $0 * 0.9999 }.map { $0 / 0.9999 }
        XCTAssertTrue(try Matcher.match(descriptors1: a, descriptors2: b).isEmpty)
        XCTAssertThrowsError(try Matcher.match(descriptors1: a, descriptors2: b, options: MatchOptions(maxRatio: 0))) {
            XCTAssertTrue("\($0)".contains("maxRatio"))
        }
        XCTAssertThrowsError(try Matcher.match(descriptors1: [1, 2, 3], descriptors2: b))
    }

    /// Two real views of the kitchen orbit (about 10° apart): features, ratio-test matching and
    /// five-point LO-RANSAC with a field-of-view prior give a large, consistent inlier set.
    func testTwoRealViewsGiveAGoodRelativePose() throws {
        let a = try ImageFile.read(fixtures.appendingPathComponent("kitchen09_480.jpg"))
        let b = try ImageFile.read(fixtures.appendingPathComponent("kitchen11_480.jpg"))
        let extractor = try FeatureExtractor()
        let fa = try extractor.extract(a), fb = try extractor.extract(b)
        let matches = try Matcher.match(fa, fb)
        let p1 = matches.map { Vec2(Double(fa.keypoints[$0.index1].x), Double(fa.keypoints[$0.index1].y)) }
        let p2 = matches.map { Vec2(Double(fb.keypoints[$0.index2].x), Double(fb.keypoints[$0.index2].y)) }
        let k = Intrinsics(fieldOfViewX: 56, width: a.width, height: a.height)
        let result = try RelativePose.estimate(points1: p1, points2: p2, intrinsics1: k, intrinsics2: k,
                                               options: RansacOptions(maxError: 2, seed: 1))
        var residuals: [Double] = []
        var inFront = 0
        for i in result.inliers {
            let x1 = k.normalizedUndistorted(p1[i]), x2 = k.normalizedUndistorted(p2[i])
            let r1 = Vec3(x1.x, x1.y, 1), r2 = Vec3(x2.x, x2.y, 1)
            residuals.append(EssentialMatrix.sampsonError(result.essential, r1, r2).squareRoot() * k.fx)
            if EssentialMatrix.inFrontOfBoth(result.pose, r1, r2) { inFront += 1 }
        }
        let mean = residuals.reduce(0, +) / Double(max(residuals.count, 1))
        print("kitchen 09–11: \(fa.count)/\(fb.count) keypoints, \(matches.count) matches, \(result.inliers.count) inliers, mean residual \(mean) px, \(result.iterations) iterations")
        XCTAssertGreaterThanOrEqual(result.inliers.count, 100)
        XCTAssertGreaterThanOrEqual(Double(result.inliers.count), 0.75 * Double(matches.count))
        XCTAssertLessThan(residuals.max() ?? .infinity, 2)
        XCTAssertLessThan(mean, 1)
        XCTAssertGreaterThanOrEqual(Double(inFront), 0.95 * Double(result.inliers.count))
        // A turn of the camera around the object: a real rotation and a real baseline.
        let degrees = rotationError(result.pose.rotation, .identity) * 180 / .pi
        XCTAssertGreaterThan(degrees, 3)
        XCTAssertLessThan(degrees, 30)
    }
}

final class FeatureFileTests: XCTestCase {
    func testRoundTripAndRejectsDamage() throws {
        let image = try ImageFile.read(fixtures.appendingPathComponent("kitchen00_320.jpg"))
        var options = FeatureOptions()
        options.maxKeypoints = 200
        let features = try FeatureExtractor(options: options).extract(image)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("v2w-featurefile-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("00.features")
        try FeatureFile.write(features, to: url)
        try FeatureFile.write(features, to: url)  // overwriting is fine
        XCTAssertEqual(try FeatureFile.read(url), features)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path + ".tmp"))

        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 4).write(to: url)
        XCTAssertThrowsError(try FeatureFile.read(url)) { XCTAssertTrue("\($0)".contains("bytes where 200 keypoints")) }
        var bad = data
        bad[0] = 0x41
        try bad.write(to: url)
        XCTAssertThrowsError(try FeatureFile.read(url)) { XCTAssertTrue("\($0)".contains("not a vid2world feature file")) }
        XCTAssertThrowsError(try FeatureFile.read(folder.appendingPathComponent("none"))) { XCTAssertTrue("\($0)".contains("no such file")) }
    }
}
