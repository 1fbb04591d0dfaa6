import Foundation
import XCTest
@testable import Media

/// Rows of 200 RGB pixels (600 bytes) are not a multiple of swscale's vector width; its last
/// row once ran past the end of the output buffer and corrupted the heap.
final class OddWidthTests: XCTestCase {
    func testJPEGWithUnalignedRowsDecodes() throws {
        let url = fixtures.appendingPathComponent("ellipse_200x160.jpg")
        for _ in 0..<4 {
            let image = try ImageFile.read(url)
            XCTAssertEqual([image.width, image.height, image.channels], [200, 160, 3])
            // The ellipse (red) in the middle, the light background in the corner.
            XCTAssertGreaterThan(image[50, 100, 0], 0.6)
            XCTAssertLessThan(image[50, 100, 1], 0.3)
            XCTAssertGreaterThan(image[2, 2, 1], 0.85)
            
        }
    }
}
