import Foundation
import Media
import XCTest

final class PNGTests: XCTestCase {
    func testWriteReadIsBitExactForRGBAndRGBA() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SystemRandomNumberGenerator()
        for channels in [3, 4] {
            let bytes = (0..<(37 * 23 * channels)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let image = Image(width: 37, height: 23, channels: channels, bytes: bytes)
            let url = folder.appendingPathComponent("image\(channels).png")
            try PNGFile.write(image, to: url)
            let back = try PNGFile.read(url)
            XCTAssertEqual(back.channels, channels)
            XCTAssertEqual(back.bytes(), bytes)
            XCTAssertEqual(back, image)
        }
        // Nothing but the two images is left behind (no temporary files).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["image3.png", "image4.png"])
    }

    /// Fixtures written by an independent encoder (Tools/fixtures/make_png_fixtures.py).
    func testReadsEveryLayoutFromIndependentEncoder() throws {
        func expected(_ x: Int, _ y: Int, _ c: Int, _ depth: Int) -> Float {
            Float((37 * x + 61 * y + 101 * c + 13) % (1 << depth)) / Float((1 << depth) - 1)
        }
        for (name, storedChannels) in [("gray", 1), ("gray_alpha", 2), ("rgb", 3), ("rgba", 4)] {
            for depth in [8, 16] {
                let url = fixtures.appendingPathComponent("\(name)\(depth).png")
                let info = try PNGFile.info(url)
                XCTAssertEqual(info.channels, storedChannels, name)
                XCTAssertEqual(info.bitDepth, depth, name)
                let image = try PNGFile.read(url)
                XCTAssertEqual(image.width, 5)
                XCTAssertEqual(image.height, 3)
                let hasAlpha = storedChannels == 2 || storedChannels == 4
                XCTAssertEqual(image.channels, hasAlpha ? 4 : 3, name)
                for y in 0..<3 {
                    for x in 0..<5 {
                        for c in 0..<3 {
                            let source = storedChannels <= 2 ? 0 : c  // gray is replicated to RGB
                            XCTAssertEqual(image[x, y, c], expected(x, y, source, depth), accuracy: 1e-7, "\(name)\(depth) \(x),\(y),\(c)")
                        }
                        if hasAlpha {
                            XCTAssertEqual(image[x, y, 3], expected(x, y, storedChannels - 1, depth), accuracy: 1e-7, "\(name)\(depth) alpha")
                        }
                    }
                }
            }
        }
    }

    func testReadsPaletteWithTransparency() throws {
        let image = try PNGFile.read(fixtures.appendingPathComponent("palette8.png"))
        XCTAssertEqual(image.channels, 4)
        for y in 0..<3 {
            for x in 0..<5 {
                let index = (x + y) % 4
                for c in 0..<3 {
                    XCTAssertEqual(image[x, y, c], Float((37 * index + 101 * c + 13) % 256) / 255, accuracy: 1e-7)
                }
                XCTAssertEqual(image[x, y, 3], index == 3 ? 128 / 255 : 1, accuracy: 1e-7)
            }
        }
    }

    func testGray16RoundTrip() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let values = (0..<(17 * 9)).map { UInt16(($0 * 7919) % 65536) }
        let url = folder.appendingPathComponent("depth.png")
        try PNGFile.writeGray16(values, width: 17, height: 9, to: url)
        let back = try PNGFile.readGray16(url)
        XCTAssertEqual(back.width, 17)
        XCTAssertEqual(back.height, 9)
        XCTAssertEqual(back.values, values)
    }

    func testBadPNGFilesGiveClearErrors() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.png")
        assertMediaError(missing.path, mentions: "no such file") { _ = try ImageFile.read(missing) }

        let empty = folder.appendingPathComponent("empty.png")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        assertMediaError(empty.path, mentions: "empty") { _ = try ImageFile.read(empty) }

        let full = try Data(contentsOf: fixtures.appendingPathComponent("rgb16.png"))
        let truncated = folder.appendingPathComponent("truncated.png")
        try full.prefix(full.count - 30).write(to: truncated)
        assertMediaError(truncated.path, mentions: "truncated") { _ = try ImageFile.read(truncated) }

        var corrupt = full
        corrupt[40] ^= 0xFF  // inside IDAT: the CRC no longer matches
        let corruptURL = folder.appendingPathComponent("corrupt.png")
        try corrupt.write(to: corruptURL)
        XCTAssertThrowsError(try ImageFile.read(corruptURL)) { error in
            XCTAssertTrue("\(error)".contains(corruptURL.path))
        }

        let text = folder.appendingPathComponent("notes.png")
        try "just some text, not a picture".write(to: text, atomically: true, encoding: .utf8)
        assertMediaError(text.path, mentions: "not an image or video") { _ = try ImageFile.read(text) }

        assertMediaError(folder.path, mentions: "folder") { _ = try ImageFile.read(folder) }
    }
}
