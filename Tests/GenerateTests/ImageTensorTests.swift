import Media
import XCTest
@testable import Generate

final class ImageTensorTests: XCTestCase {
    func testShrinkingAveragesTheCoveredPixels() {
        var image = Image(width: 6, height: 4, channels: 3)
        for i in image.pixels.indices { image.pixels[i] = Float((i * 7919) % 101) / 100 }
        let small = ImageTensor.resample(image, to: 2)  // 3×2 input pixels per output pixel
        for y in 0..<2 {
            for x in 0..<2 {
                for c in 0..<3 {
                    var sum: Float = 0
                    for sy in (2 * y)..<(2 * y + 2) { for sx in (3 * x)..<(3 * x + 3) { sum += image[sx, sy, c] } }
                    XCTAssertEqual(small[x, y, c], sum / 6, accuracy: 1e-6)
                }
            }
        }
        XCTAssertEqual(ImageTensor.resample(image, to: 2).width, 2)
    }

    func testUnevenShrinkKeepsAFlatImageFlat() {
        let image = Image(width: 7, height: 5, channels: 4, fill: 0.25)
        let small = ImageTensor.resample(image, to: 3)
        for v in small.pixels { XCTAssertEqual(v, 0.25, accuracy: 1e-6) }
    }

    func testChannelsAreFittedToTheModel() {
        // RGBA pixel (0.8, 0.4, 0.2, alpha 0.5).
        let rgba = Image(width: 1, height: 1, channels: 4, pixels: [0.8, 0.4, 0.2, 0.5])
        // RGB model: composited over black, mapped to [-1, 1].
        let rgb = ImageTensor.tensor(from: rgba, channels: 3, resolution: 1)
        XCTAssertEqual(rgb[0], 2 * 0.4 - 1, accuracy: 1e-6)
        XCTAssertEqual(rgb[1], 2 * 0.2 - 1, accuracy: 1e-6)
        XCTAssertEqual(rgb[2], 2 * 0.1 - 1, accuracy: 1e-6)
        // RGBA model from an RGB image: alpha 1.
        let opaque = ImageTensor.tensor(from: Image(width: 1, height: 1, channels: 3, pixels: [0, 0.5, 1]), channels: 4, resolution: 1)
        XCTAssertEqual(opaque, [-1, 0, 1, 1])
    }

    func testClipToImagesRoundTripsAndClamps() {
        // [views 2, channels 4, 2, 2] planar → 2 RGBA images, values mapped from [-1, 1] and clamped.
        var clip = (0..<32).map { Float($0) / 16 - 1 }
        clip[0] = -3; clip[31] = 5
        let images = ImageTensor.images(from: clip, views: 2, channels: 4, resolution: 2)
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(images[0][0, 0, 0], 0)                             // clamped
        XCTAssertEqual(images[1][1, 1, 3], 1)                             // clamped
        XCTAssertEqual(images[0][1, 0, 2], (clip[2 * 4 + 1] + 1) / 2)     // view 0, channel 2, pixel (1, 0)
        XCTAssertEqual(images[1][0, 1, 1], (clip[16 + 4 + 2] + 1) / 2)    // view 1, channel 1, pixel (0, 1)
    }
}
