import Foundation
import Media
import XCTest

final class SharpnessTests: XCTestCase {
    /// Box-blurs an image horizontally, as camera shake does.
    private func blurred(_ image: Image, radius: Int) -> Image {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                for c in 0..<3 {
                    var sum: Float = 0
                    for dx in -radius...radius { sum += image[min(max(x + dx, 0), image.width - 1), y, c] }
                    out[x, y, c] = sum / Float(2 * radius + 1)
                }
            }
        }
        return out
    }

    func testBlurLowersSharpness() throws {
        let sharp = try ImageFile.read(fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        let a = Sharpness.laplacianVariance(sharp)
        let b = Sharpness.laplacianVariance(blurred(sharp, radius: 2))
        let c = Sharpness.laplacianVariance(blurred(sharp, radius: 5))
        XCTAssertGreaterThan(a, 2 * b)
        XCTAssertGreaterThan(b, c)
        XCTAssertEqual(Sharpness.laplacianVariance(Image(width: 20, height: 20, fill: 0.5)), 0, accuracy: 1e-12)
    }

    func testPickerKeepsSharpestPerWindow() {
        var picker = SharpestPicker<Int>(window: 3)
        let scores: [Double] = [1, 5, 2, 9, 0, 3, 4, 4]
        var picks: [Int] = []
        for (i, score) in scores.enumerated() {
            if let pick = picker.offer(i, score: score) { picks.append(pick) }
        }
        if let last = picker.flush() { picks.append(last) }
        XCTAssertEqual(picks, [1, 3, 6])
    }
}
