import Foundation
import Media
import XCTest

final class ExifOrientationTests: XCTestCase {
    /// The fixture JPEG with an EXIF APP1 segment (big- or little-endian TIFF) inserted after SOI.
    private func jpeg(orientation: Int, littleEndian: Bool) throws -> Data {
        let original = try Data(contentsOf: fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        var tiff: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        tiff += u16(42) + u32(8)                   // header, IFD0 at offset 8
        tiff += u16(2)                             // two entries
        tiff += u16(0x010F) + u16(2) + u32(4) + [0x41, 0x42, 0x43, 0]   // Make "ABC"
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]
        tiff += u32(0)                             // no next IFD
        let body = Array("Exif\0\0".utf8) + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
        return Data(original.prefix(2)) + Data(segment) + original.dropFirst(2)
    }

    func testEveryOrientationTurnsUpright() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stored = try ImageFile.read(fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        for orientation in 1...8 {
            let url = folder.appendingPathComponent("o\(orientation).jpg")
            try jpeg(orientation: orientation, littleEndian: orientation % 2 == 0).write(to: url)
            let image = try ImageFile.read(url)
            let swap = orientation >= 5
            XCTAssertEqual(image.width, swap ? 64 : 96, "orientation \(orientation)")
            XCTAssertEqual(try ImageFile.info(url).width, swap ? 64 : 96)
            // Where the stored top-left pixel must appear after turning (EXIF definitions).
            let expected: (Int, Int) = [1: (0, 0), 2: (95, 0), 3: (95, 63), 4: (0, 63),
                                        5: (0, 0), 6: (63, 0), 7: (63, 95), 8: (0, 95)][orientation]!
            for c in 0..<3 {
                XCTAssertEqual(image[expected.0, expected.1, c], stored[0, 0, c], "orientation \(orientation)")
            }
            // Also the stored top-right pixel, which tells mirrored cases apart.
            let topRight: (Int, Int) = [1: (95, 0), 2: (0, 0), 3: (0, 63), 4: (95, 63),
                                        5: (0, 95), 6: (63, 95), 7: (63, 0), 8: (0, 0)][orientation]!
            XCTAssertEqual(image[topRight.0, topRight.1, 1], stored[95, 0, 1], "orientation \(orientation)")
        }
    }
}
