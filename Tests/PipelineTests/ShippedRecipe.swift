import Foundation
import Render
import XCTest

/// Renders a shipped recipe of Scenes/ with some of its lines changed (fewer or smaller frames),
/// failing the test when a line to change is no longer in the recipe.
enum ShippedRecipe {
    static let scenes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenes")

    static func render(_ name: String, replacing changes: [(String, String)], to output: URL,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        var yaml = try String(contentsOf: scenes.appendingPathComponent(name), encoding: .utf8)
        for (from, to) in changes {
            XCTAssertTrue(yaml.contains(from), "\(name) changed: no \"\(from)\"", file: file, line: line)
            yaml = yaml.replacingOccurrences(of: from, with: to)
        }
        _ = try RenderJob.run(try SceneRecipe.parse(yaml: yaml, file: name, folder: scenes, seed: 1), output: output)
    }
}
