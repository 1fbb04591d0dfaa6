import Foundation
import XCTest
@testable import Estimate
import Geometry
import Render

/// The repository's Scenes folder.
let scenesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenes")

/// Renders a copy of a shipped recipe with some lines replaced (fewer views, smaller frames)
/// into a temporary folder; returns the folder (images/, cameras.json).
func renderScene(_ name: String, replacing edits: [(String, String)], into folder: URL) throws -> URL {
    var yaml = try String(contentsOf: scenesFolder.appendingPathComponent(name), encoding: .utf8)
    for (old, new) in edits {
        XCTAssertTrue(yaml.contains(old), "recipe \(name) no longer contains \(old)")
        yaml = yaml.replacingOccurrences(of: old, with: new)
    }
    let recipe = try SceneRecipe.parse(yaml: yaml, file: name, folder: scenesFolder, seed: 1)
    let output = folder.appendingPathComponent(name.replacingOccurrences(of: ".yaml", with: ""))
    _ = try RenderJob.run(recipe, output: output)
    return output
}

/// Accuracy of estimated cameras against the truth after a Sim(3) alignment.
struct CameraAccuracy: CustomStringConvertible {
    var registered: Int
    var total: Int
    var medianRotationDegrees: Double
    /// Median centre error over the extent (bounding-box diagonal) of the true centres.
    var medianPositionFraction: Double
    var focalError: Double

    init(estimated: [Camera?], truth: [Camera]) throws {
        let pairs = zip(estimated, truth).compactMap { e, t in e.map { ($0, t) } }
        registered = pairs.count
        total = truth.count
        let alignment = try Similarity3.aligning(cameras: pairs.map(\.0), to: pairs.map(\.1))
        let centres = truth.map(\.pose.center)
        let low = centres.reduce(centres[0]) { pointwiseMin($0, $1) }, high = centres.reduce(centres[0]) { pointwiseMax($0, $1) }
        let extent = length(high - low)
        let rotations = pairs.map { e, t in rotationError(alignment.apply(e.pose).rotation, t.pose.rotation) * 180 / .pi }.sorted()
        let positions = pairs.map { e, t in length(alignment.apply(e.pose.center) - t.pose.center) / extent }.sorted()
        medianRotationDegrees = rotations[rotations.count / 2]
        medianPositionFraction = positions[positions.count / 2]
        focalError = abs(pairs[0].0.intrinsics.fx / pairs[0].1.intrinsics.fx - 1)
    }

    var description: String {
        String(format: "registered %d/%d, median rotation %.3f°, median position %.3f %% of extent, focal error %.2f %%",
               registered, total, medianRotationDegrees, 100 * medianPositionFraction, 100 * focalError)
    }

    /// The acceptance thresholds.
    func check(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThanOrEqual(Double(registered), 0.95 * Double(total), "registered", file: file, line: line)
        XCTAssertLessThan(medianRotationDegrees, 0.5, "rotation", file: file, line: line)
        XCTAssertLessThan(medianPositionFraction, 0.01, "position", file: file, line: line)
        XCTAssertLessThan(focalError, 0.02, "focal", file: file, line: line)
    }
}
