import Foundation
import Media
import XCTest

final class RecordedFocalTests: XCTestCase {
    /// One TIFF directory entry: tag, type, count and its 4-byte value field.
    private struct Entry { var tag: Int, type: Int, count: Int, field: [UInt8] }

    /// Integers in the block's byte order.
    private struct Bytes {
        let little: Bool
        func u16(_ v: Int) -> [UInt8] { little ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { little ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        func directory(_ entries: [Entry]) -> [UInt8] {
            var out = u16(entries.count)
            for e in entries { out += u16(e.tag); out += u16(e.type); out += u32(e.count); out += e.field }
            return out + u32(0)
        }
    }

    /// What goes into the EXIF directory, given where its data area starts: entries, data.
    private typealias ExifContent = (Bytes, Int) -> (entries: [Entry], data: [UInt8])

    /// The fixture JPEG (96 × 64) with a hand-built EXIF APP1 segment after SOI: IFD0 (Make,
    /// orientation 6, the pointer to the EXIF directory) and an EXIF directory from `content`,
    /// its rationals in a data area right after it.
    private func jpeg(littleEndian: Bool, _ content: ExifContent) throws -> Data {
        let original = try Data(contentsOf: fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        let b = Bytes(little: littleEndian)
        // IFD0 at 8 with 3 entries; the EXIF directory right after it.
        let exifAt = 8 + 2 + 12 * 3 + 4
        var tiff: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        tiff += b.u16(42) + b.u32(8)
        let ifd0 = [Entry(tag: 0x010F, type: 2, count: 4, field: [0x41, 0x42, 0x43, 0]),
                    Entry(tag: 0x0112, type: 3, count: 1, field: b.u16(6) + [0, 0]),
                    Entry(tag: 0x8769, type: 4, count: 1, field: b.u32(exifAt))]
        tiff += b.directory(ifd0)
        XCTAssertEqual(tiff.count, exifAt)
        // The data area follows the directory, whose size depends only on its entry count.
        let dataAt = exifAt + 2 + 12 * content(b, 0).entries.count + 4
        let exif = content(b, dataAt)
        tiff += b.directory(exif.entries)
        tiff += exif.data
        let body = Array("Exif\0\0".utf8) + tiff
        let length = body.count + 2
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body
        return Data(original.prefix(2)) + Data(segment) + original.dropFirst(2)
    }

    /// FocalLengthIn35mmFilm (with a FocalLength beside it that must not win): the 35 mm
    /// equivalent, turned into pixels by the diagonal; the orientation tag still reads.
    func test35mmEquivalentFromEXIF() throws {
        for little in [true, false] {
            let data = try jpeg(littleEndian: little) { (b: Bytes, dataAt: Int) -> (entries: [Entry], data: [UInt8]) in
                let entries = [Entry(tag: 0x920A, type: 5, count: 1, field: b.u32(dataAt)),
                               Entry(tag: 0xA405, type: 3, count: 1, field: b.u16(26) + [0, 0])]
                return (entries, b.u32(425) + b.u32(100))
            }
            let focal = try XCTUnwrap(RecordedFocal.exif(jpeg: data), "little-endian \(little)")
            XCTAssertEqual(focal.value, .equivalent35mm(26))
            XCTAssertTrue(focal.source.contains("FocalLengthIn35mmFilm"))
            // 26 mm on the 43.27 mm diagonal of 36 × 24 mm, for a 4000 × 3000 picture: 3004.6 px.
            let diagonalMM: Double = (36.0 * 36.0 + 24.0 * 24.0).squareRoot()
            XCTAssertEqual(focal.pixels(width: 4000, height: 3000), 26.0 * 5000.0 / diagonalMM, accuracy: 1e-9)
            XCTAssertEqual(focal.pixels(width: 4000, height: 3000), 3004.6, accuracy: 0.1)
            XCTAssertEqual(ExifOrientation.read(jpeg: data), 6)
        }
    }

    /// No 35 mm equivalent: FocalLength × FocalPlaneXResolution ÷ unit, for the picture size the
    /// camera wrote (PixelX/YDimension), scaled to the size asked for.
    func testFocalLengthWithFocalPlaneResolution() throws {
        let data = try jpeg(littleEndian: true) { (b: Bytes, dataAt: Int) -> (entries: [Entry], data: [UInt8]) in
            let entries = [Entry(tag: 0x920A, type: 5, count: 1, field: b.u32(dataAt)),        // 4.25 mm
                           Entry(tag: 0xA002, type: 4, count: 1, field: b.u32(4032)),
                           Entry(tag: 0xA003, type: 3, count: 1, field: b.u16(3024) + [0, 0]),
                           Entry(tag: 0xA20E, type: 5, count: 1, field: b.u32(dataAt + 8)),    // 700 pixels per mm
                           Entry(tag: 0xA210, type: 3, count: 1, field: b.u16(4) + [0, 0])]
            let data: [UInt8] = b.u32(425) + b.u32(100) + b.u32(7000) + b.u32(10)
            return (entries, data)
        }
        let focal = try XCTUnwrap(RecordedFocal.exif(jpeg: data))
        XCTAssertEqual(focal.value, .pixels(4.25 * 700, width: 4032, height: 3024))
        XCTAssertEqual(focal.pixels(width: 2016, height: 1512), 4.25 * 700 / 2, accuracy: 1e-9)
        // Portrait copy of the same picture: the longer side scales it.
        XCTAssertEqual(focal.pixels(width: 1512, height: 2016), 4.25 * 700 / 2, accuracy: 1e-9)
    }

    /// No focal tags, an implausible value, a directory pointer past the end: nil, no trap.
    func testMissingOrBrokenTagsGiveNothing() throws {
        let plain = try Data(contentsOf: fixtures.appendingPathComponent("kitchen_96x64.jpg"))
        XCTAssertNil(RecordedFocal.exif(jpeg: plain))
        let otherTag = try jpeg(littleEndian: false) { (b: Bytes, _: Int) -> (entries: [Entry], data: [UInt8]) in
            ([Entry(tag: 0xA401, type: 3, count: 1, field: b.u16(0) + [0, 0])], [])
        }
        XCTAssertNil(RecordedFocal.exif(jpeg: otherTag))
        XCTAssertEqual(ExifOrientation.read(jpeg: otherTag), 6)
        let tiny = try jpeg(littleEndian: true) { (b: Bytes, _: Int) -> (entries: [Entry], data: [UInt8]) in
            ([Entry(tag: 0xA405, type: 3, count: 1, field: b.u16(2) + [0, 0])], [])
        }
        XCTAssertNil(RecordedFocal.exif(jpeg: tiny), "a 2 mm equivalent is no real lens")
        let dangling = try jpeg(littleEndian: true) { (b: Bytes, _: Int) -> (entries: [Entry], data: [UInt8]) in
            ([Entry(tag: 0x920A, type: 5, count: 1, field: b.u32(60000)), Entry(tag: 0xA20E, type: 5, count: 1, field: b.u32(60008))], [])
        }
        XCTAssertNil(RecordedFocal.exif(jpeg: dangling))
        XCTAssertNil(RecordedFocal.exif(jpeg: Data([0xFF, 0xD8, 0xFF, 0xE1, 0x00])))
    }

    /// An MP4 whose container metadata the ffmpeg tool wrote (`-metadata KEY=VALUE` with
    /// `-movflags use_metadata_tags`, as a QuickTime `mdta` key): read back through libavformat;
    /// the same clip without the key gives nothing.
    func testFocalFromVideoMetadataWrittenByFFmpeg() throws {
        guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("ffmpeg tool not installed")
        }
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        func clip(_ name: String, metadata: [String]) throws -> URL {
            let url = folder.appendingPathComponent(name)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ffmpeg)
            process.arguments = ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10", "-t", "0.3",
                                 "-pix_fmt", "yuv420p"] + metadata + [url.path]
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            return url
        }
        let tagged = try clip("tagged.mp4", metadata: ["-metadata", "\(RecordedFocal.quickTimeKey)=24", "-movflags", "use_metadata_tags"])
        XCTAssertEqual(try VideoTags.read(tagged)[RecordedFocal.quickTimeKey], "24")
        let focal = try XCTUnwrap(RecordedFocal.read(tagged))
        XCTAssertEqual(focal.value, .equivalent35mm(24))
        XCTAssertTrue(focal.source.contains(RecordedFocal.quickTimeKey))
        // 1920 × 1080: diagonal 2202.9 px, so 24 mm → 1221.9 px.
        XCTAssertEqual(focal.pixels(width: 1920, height: 1080), 1221.9, accuracy: 0.1)

        let untagged = try clip("plain.mp4", metadata: [])
        XCTAssertNil(try VideoTags.read(untagged)[RecordedFocal.quickTimeKey])
        XCTAssertNil(RecordedFocal.read(untagged))
    }
}
