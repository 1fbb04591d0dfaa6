import Geometry
import Media
import XCTest
@testable import Pipeline

/// Cutting an object out of a picture and framing it for the orbit model.
final class ObjectCutoutTests: XCTestCase {
    /// An ellipse (with a label in the background's own colour inside it, which only hole
    /// filling keeps) and a speck of dirt on a slightly noisy plain background.
    private func scene(width: Int = 160, height: Int = 120) -> (image: Image, truth: BinaryMask) {
        var rng = SeededGenerator(seed: 7)
        let background: [Float] = [0.86, 0.9, 0.8], object: [Float] = [0.2, 0.4, 0.75]
        var pixels = [Float](repeating: 0, count: width * height * 3)
        var truth = [Bool](repeating: false, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let dx = (Double(x) + 0.5 - 95) / 38, dy = (Double(y) + 0.5 - 55) / 30
                let inside = dx * dx + dy * dy <= 1
                let label = abs(Double(x) - 95) < 10 && abs(Double(y) - 55) < 6
                let speck = abs(Double(x) - 20) < 2 && abs(Double(y) - 100) < 2
                truth[y * width + x] = inside
                let colour = inside && !label ? object : speck ? [0.1, 0.1, 0.1] : background
                for k in 0..<3 { pixels[(y * width + x) * 3 + k] = colour[k] + Float(rng.nextDouble() - 0.5) * 0.04 }
            }
        }
        return (Image(width: width, height: height, channels: 3, pixels: pixels), BinaryMask(width: width, height: height, bits: truth))
    }

    func testPlainBackgroundShapeIsCutOut() throws {
        let (image, truth) = scene()
        let cutout = try ObjectCutout.cut(image, file: "shape.png")
        let iou = cutout.mask.intersectionOverUnion(truth)
        XCTAssertGreaterThan(iou, 0.95)
        guard case let .background(color, threshold) = cutout.method else { return XCTFail("expected the background method") }
        XCTAssertEqual(Double(color[1]), 0.9, accuracy: 0.02)
        XCTAssertLessThan(threshold, 0.3)
        // Transparent outside, the original colour inside.
        XCTAssertEqual(cutout.image.channels, 4)
        XCTAssertEqual(cutout.image[20, 100, 3], 0)
        XCTAssertEqual(cutout.image[20, 100, 0], 0)
        XCTAssertEqual(cutout.image[70, 55, 3], 1)
        XCTAssertEqual(cutout.image[70, 55, 2], image[70, 55, 2])
    }

    /// With a transparent part, the alpha channel is the silhouette, whatever the colours say.
    func testAlphaChannelIsUsed() throws {
        var rng = SeededGenerator(seed: 3)
        let w = 64, h = 48
        var pixels = [Float](repeating: 0, count: w * h * 4)
        var truth = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                for k in 0..<3 { pixels[4 * i + k] = Float(rng.nextDouble()) }
                let inside = (x - 40) * (x - 40) + (y - 20) * (y - 20) < 100
                truth[i] = inside
                pixels[4 * i + 3] = inside ? 1 : 0
            }
        }
        let cutout = try ObjectCutout.cut(Image(width: w, height: h, channels: 4, pixels: pixels), file: "a.png")
        XCTAssertEqual(cutout.method, .alpha)
        XCTAssertEqual(cutout.mask, BinaryMask(width: w, height: h, bits: truth))
        // An RGBA image opaque everywhere is cut by colour instead.
        let (rgb, shape) = scene()
        var rgba = [Float](repeating: 1, count: rgb.width * rgb.height * 4)
        for i in 0..<(rgb.width * rgb.height) { for k in 0..<3 { rgba[4 * i + k] = rgb.pixels[3 * i + k] } }
        let opaque = Image(width: rgb.width, height: rgb.height, channels: 4, pixels: rgba)
        let byColour = try ObjectCutout.cut(opaque, file: "opaque.png")
        XCTAssertGreaterThan(byColour.mask.intersectionOverUnion(shape), 0.95)
    }

    func testNoObjectIsAClearError() throws {
        let blank = Image(width: 50, height: 40, channels: 3, fill: 0.5)
        XCTAssertThrowsError(try ObjectCutout.cut(blank, file: "/tmp/blank.png")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("/tmp/blank.png") && text.contains("no object found"), text)
        }
        var transparent = Image(width: 50, height: 40, channels: 4, fill: 0.5)
        for i in 0..<(50 * 40) { transparent.pixels[4 * i + 3] = 0 }
        XCTAssertThrowsError(try ObjectCutout.cut(transparent, file: "clear.png")) { error in
            XCTAssertTrue(String(describing: error).contains("no object found"), String(describing: error))
        }
        // Noise everywhere: no plain background to separate anything from.
        var rng = SeededGenerator(seed: 1)
        let busy = Image(width: 50, height: 40, channels: 3, pixels: (0..<(50 * 40 * 3)).map { _ in Float(rng.nextDouble()) })
        XCTAssertThrowsError(try ObjectCutout.cut(busy, file: "busy.png")) { error in
            XCTAssertTrue(String(describing: error).contains("not plain"), String(describing: error))
        }
        // An object filling the whole frame but its border.
        var full = Image(width: 100, height: 80, channels: 3, fill: 0.2)
        for y in 0..<80 { for x in 0..<100 where x == 0 || y == 0 || x == 99 || y == 79 { for k in 0..<3 { full[x, y, k] = 0.9 } } }
        XCTAssertThrowsError(try ObjectCutout.cut(full, file: "full.png")) { error in
            XCTAssertTrue(String(describing: error).contains("no background is left"), String(describing: error))
        }
    }

    func testMaskComponentsAndHoles() {
        // Two blobs (5 and 2 pixels, the first joined only diagonally) and a ring of 8 with a hole.
        let rows = ["##.....",
                    ".#...#.",
                    "##...#.",
                    ".......",
                    "..###..",
                    "..#.#..",
                    "..###.."]
        let bits = rows.flatMap { $0.map { $0 == "#" } }
        let mask = BinaryMask(width: 7, height: 7, bits: bits)
        let largest = mask.largestComponent()
        XCTAssertEqual(largest.count, 8)
        XCTAssertTrue(largest.bits[4 * 7 + 2] && !largest.bits[0])
        let filled = largest.filledHoles()
        XCTAssertEqual(filled.count, 9)
        XCTAssertTrue(filled.bits[5 * 7 + 3])
        XCTAssertEqual(filled.boundingBox?.x0, 2)
        XCTAssertEqual(filled.boundingBox?.y1, 7)
        // A notch open to the border is not a hole.
        let notch = BinaryMask(width: 3, height: 3, bits: [true, false, true, true, false, true, true, true, true])
        XCTAssertEqual(notch.filledHoles(), notch)
    }

    /// The framed object's bounding box is centred and spans `fill` of the square; colours at
    /// the soft edges are not darkened by the transparent surroundings.
    func testFramingCentresTheObject() throws {
        let w = 200, h = 120
        var pixels = [Float](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w where (x - 40) * (x - 40) + (y - 70) * (y - 70) < 400 || (x >= 40 && x < 70 && y >= 60 && y < 75) {
                pixels[4 * (y * w + x)] = 0.9; pixels[4 * (y * w + x) + 1] = 0.5; pixels[4 * (y * w + x) + 2] = 0.1
                pixels[4 * (y * w + x) + 3] = 1
            }
        }
        let cutout = try ObjectCutout.cut(Image(width: w, height: h, channels: 4, pixels: pixels), file: "object.png")
        let size = 32
        let framed = try ObjectFraming.frame(cutout, size: size, fill: 0.75)
        let image = framed.image
        XCTAssertEqual(image.width, size)
        // Alpha-weighted extent: the box's centre at the middle, its longer side 0.75 × 32 = 24 px.
        var x0 = Double(size), x1 = 0.0, y0 = Double(size), y1 = 0.0
        for y in 0..<size {
            for x in 0..<size where image[x, y, 3] > 0.5 {
                x0 = min(x0, Double(x)); x1 = max(x1, Double(x + 1)); y0 = min(y0, Double(y)); y1 = max(y1, Double(y + 1))
            }
        }
        XCTAssertEqual((x0 + x1) / 2, Double(size) / 2, accuracy: 0.51)
        XCTAssertEqual((y0 + y1) / 2, Double(size) / 2, accuracy: 0.51)
        XCTAssertEqual(max(x1 - x0, y1 - y0), 24, accuracy: 1.01)
        for y in 0..<size {
            for x in 0..<size where image[x, y, 3] > 0.01 {
                XCTAssertEqual(image[x, y, 0], 0.9, accuracy: 1e-4)
                XCTAssertEqual(image[x, y, 2], 0.1, accuracy: 1e-4)
            }
        }
        // The square in source pixels: the box is x 21..<70 (49 wide), y 51..<90.
        XCTAssertEqual(framed.cropSide, 49 / 0.75, accuracy: 1e-9)
        XCTAssertEqual(framed.cropX + framed.cropSide / 2, 45.5, accuracy: 1e-9)
        XCTAssertEqual(framed.cropY + framed.cropSide / 2, 70.5, accuracy: 1e-9)
    }
}
