import Foundation
import XCTest
@testable import Estimate
import Geometry

final class MapperPartsTests: XCTestCase {
    func testMatchPlans() {
        XCTAssertEqual(MatchPlan.exhaustive.pairs(count: 5).count, 10)
        XCTAssertEqual(MatchPlan.sequential(overlap: 2).pairs(count: 5),
                       [ImagePair(0, 1), ImagePair(0, 2), ImagePair(1, 2), ImagePair(1, 3), ImagePair(2, 3), ImagePair(2, 4), ImagePair(3, 4)])
        // Extra candidates (loop closures) join without duplicates; out-of-range ones are ignored.
        let pairs = MatchPlan.sequential(overlap: 1).pairs(count: 4, extra: [ImagePair(3, 0), ImagePair(0, 1), ImagePair(2, 9)])
        XCTAssertEqual(pairs, [ImagePair(0, 1), ImagePair(0, 3), ImagePair(1, 2), ImagePair(2, 3)])
        XCTAssertEqual(MatchPlan.automatic(exhaustiveLimit: 4, overlap: 1).pairs(count: 4).count, 6)
        XCTAssertEqual(MatchPlan.automatic(exhaustiveLimit: 3, overlap: 1).pairs(count: 4).count, 3)
    }

    /// Exhaustive plans match the first `exhaustiveMatchKeypoints` keypoints of each image,
    /// sequential plans all: two images with the same 300 descriptors match one to one.
    func testExhaustiveMatchingUsesTheFirstKeypoints() throws {
        var rng = SeededGenerator(seed: 17)
        var descriptors: [Float] = []
        for _ in 0..<300 {
            let d = (0..<Features.descriptorLength).map { _ in Float(rng.nextDouble(in: 0, 1)) }
            let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
            descriptors += d.map { $0 / norm }
        }
        let keypoints = (0..<300).map { _ in
            Keypoint(x: Float(rng.nextDouble(in: 0, 640)), y: Float(rng.nextDouble(in: 0, 480)), scale: 2, orientation: 0, response: 1, octave: 0)
        }
        let image = try Features(width: 640, height: 480, keypoints: keypoints, descriptors: descriptors)
        XCTAssertEqual(image.prefix(100).keypoints, Array(keypoints.prefix(100)))
        XCTAssertEqual(image.prefix(100).descriptors, Array(descriptors.prefix(100 * Features.descriptorLength)))
        var options = ReconstructionOptions()
        options.threads = 1
        options.exhaustiveMatchKeypoints = 100
        options.matchPlan = .exhaustive
        XCTAssertEqual(try IncrementalReconstruction.verifyPairs(features: [image, image], options: options).map(\.putative), [100])
        options.matchPlan = .sequential(overlap: 1)
        XCTAssertEqual(try IncrementalReconstruction.verifyPairs(features: [image, image], options: options).map(\.putative), [300])
        options.matchPlan = .exhaustive
        options.exhaustiveMatchKeypoints = nil
        XCTAssertEqual(try IncrementalReconstruction.verifyPairs(features: [image, image], options: options).map(\.putative), [300])
    }

    /// Chains of matches join into one track; a component holding two keypoints of one image
    /// keeps the better-connected one; unverified pairs add nothing.
    func testTracksFromMatches() {
        func pair(_ a: Int, _ b: Int, _ matches: [(Int, Int)], _ c: TwoViewConfiguration = .general) -> VerifiedPair {
            VerifiedPair(pair: ImagePair(a, b), putative: matches.count, inliers: matches.map { PairMatch($0.0, $0.1) },
                         configuration: c, relativePose: nil)
        }
        let pairs = [
            pair(0, 1, [(0, 0), (1, 1)]),
            pair(1, 2, [(0, 0), (1, 2)]),
            pair(0, 2, [(0, 0), (1, 1)]),  // joins image 2's keypoints 1 and 2 into one track with (0,1), (1,1)
            pair(2, 3, [(5, 5)], .insufficient),
        ]
        let tracks = TrackBuilder.build(pairs: pairs, keypointCounts: [4, 4, 8, 8]).map { Set($0) }
        XCTAssertEqual(tracks.count, 2)
        XCTAssertTrue(tracks.contains(Set([TrackElement(image: 0, keypoint: 0), TrackElement(image: 1, keypoint: 0), TrackElement(image: 2, keypoint: 0)])))
        let second = tracks.first { $0.contains(TrackElement(image: 0, keypoint: 1)) }!
        XCTAssertEqual(second.filter { $0.image == 2 }.count, 1)
        XCTAssertEqual(second.count, 3)
    }

    func testPairFileRoundTripAndKey() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString).v2wpair")
        defer { try? FileManager.default.removeItem(at: url) }
        let pose = Pose(lookingFrom: Vec3(1, 2, 3), at: .zero, up: Vec3(0, -1, 0))
        let pairs = [VerifiedPair(pair: ImagePair(0, 2), putative: 40, inliers: [PairMatch(3, 4), PairMatch(7, 1)], configuration: .planar, relativePose: pose),
                     VerifiedPair(pair: ImagePair(1, 2), putative: 3, inliers: [], configuration: .insufficient, relativePose: nil)]
        try PairFile.write(pairs, key: "k1", to: url)
        XCTAssertEqual(try PairFile.read(url, key: "k1"), pairs)
        XCTAssertNil(try PairFile.read(url, key: "other"))
        // A truncated file is refused, not trusted.
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 5).write(to: url)
        XCTAssertThrowsError(try PairFile.read(url, key: "k1"))
    }

    func testModelFileRoundTripAndKey() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).v2wmodel")
        defer { try? FileManager.default.removeItem(at: url) }
        let pose = Pose(lookingFrom: Vec3(1, 2, 3), at: .zero, up: Vec3(0, -1, 0))
        let model = SparseModel(width: 320, height: 240, intrinsics: SharedIntrinsics(focal: 301.25, cx: 160.5, cy: 119.75, k1: -0.0125, k2: 0.003),
                                poses: [pose, nil, .identity], points: [
                                    SparsePoint(position: Vec3(0.1, -2.5, 7), observations: [TrackElement(image: 0, keypoint: 12), TrackElement(image: 2, keypoint: 3)]),
                                    SparsePoint(position: Vec3(1e-9, 3, -0.5), observations: [])],
                                unregistered: [1: "too few matches (4 < 15) — café"], initialPair: ImagePair(2, 0))
        try ModelFile.write(model, key: "k1", to: url)
        XCTAssertEqual(try ModelFile.read(url, key: "k1"), model)
        XCTAssertNil(try ModelFile.read(url, key: "other"))
        // A truncated or extended file is refused, not trusted.
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 5).write(to: url)
        XCTAssertThrowsError(try ModelFile.read(url, key: "k1"))
        try (data + Data([0])).write(to: url)
        XCTAssertThrowsError(try ModelFile.read(url, key: "k1"))
    }
}
