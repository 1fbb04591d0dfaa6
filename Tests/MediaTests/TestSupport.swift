import Foundation
import Media
import XCTest

/// A fresh temporary folder per test, removed afterwards.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// PSNR in dB between two same-sized images (RGB channels only).
func psnr(_ a: Image, _ b: Image) -> Double {
    precondition(a.width == b.width && a.height == b.height)
    let x = a.rgb().pixels, y = b.rgb().pixels
    var sum = 0.0
    for i in 0..<x.count { let d = Double(x[i] - y[i]); sum += d * d }
    let mse = sum / Double(x.count)
    return mse == 0 ? .infinity : 10 * log10(1 / mse)
}

/// A frame with smooth gradients and a moving disc, so the codec sees motion and detail.
func syntheticFrame(_ index: Int, width: Int, height: Int) -> Image {
    var image = Image(width: width, height: height, channels: 3)
    let cx = Double(width) * (0.25 + 0.02 * Double(index)), cy = Double(height) * 0.5
    let radius = Double(min(width, height)) * 0.2
    for y in 0..<height {
        for x in 0..<width {
            // Disc with a soft 3-pixel edge, like a real camera's optics.
            let distance = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
            let inside = Float(min(1, max(0, (radius - distance) / 3 + 0.5)))
            let background: [Float] = [Float(x) / Float(width), Float(y) / Float(height), 0.5 + 0.3 * Float(sin(Double(x + y) * 0.05))]
            let disc: [Float] = [0.8, 0.35, 0.3]
            for c in 0..<3 { image[x, y, c] = inside * disc[c] + (1 - inside) * background[c] }
        }
    }
    return image
}

/// Asserts that `body` throws a `MediaError` whose text names `path` and contains `words`.
func assertMediaError(_ path: String, mentions words: String, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error for \(path)", file: file, line: line)
    } catch let error as MediaError {
        let text = error.description
        XCTAssertTrue(text.contains(path), "error does not name the file: \(text)", file: file, line: line)
        XCTAssertTrue(text.lowercased().contains(words.lowercased()), "error '\(text)' does not say '\(words)'", file: file, line: line)
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}
