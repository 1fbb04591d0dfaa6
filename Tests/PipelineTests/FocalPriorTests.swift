import Foundation
import Media
@testable import Pipeline
import XCTest

/// Where the estimate's starting focal length comes from: given, recorded, or the prior.
final class FocalPriorTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-focal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A small JPEG (MediaTests' fixture) with an EXIF block recording `millimetres` as its
    /// 35 mm-equivalent focal length (little-endian TIFF: IFD0 → EXIF directory → tag 0xA405).
    private func photo(_ name: String, millimetres: Int?) throws -> URL {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MediaTests/Fixtures/kitchen_96x64.jpg")
        let original = try Data(contentsOf: fixture)
        let url = folder.appendingPathComponent(name)
        guard let millimetres else { try original.write(to: url); return url }
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = [0x49, 0x49] + u16(42) + u32(8)
        tiff += u16(1) + u16(0x8769) + u16(4) + u32(1) + u32(26) + u32(0)       // IFD0: the EXIF pointer
        tiff += u16(1) + u16(0xA405) + u16(3) + u32(1) + u16(millimetres) + [0, 0] + u32(0)
        let body = Array("Exif\0\0".utf8) + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
        try (Data(original.prefix(2)) + Data(segment) + original.dropFirst(2)).write(to: url)
        return url
    }

    func testPhotosEXIFThenGivenThenPrior() throws {
        let photos = try [photo("a.jpg", millimetres: 26), photo("b.jpg", millimetres: 28), photo("c.jpg", millimetres: nil),
                          photo("d.jpg", millimetres: 26)]
        var options = EstimateOptions()
        let diagonal: Double = (96.0 * 96.0 + 64.0 * 64.0).squareRoot(), film: Double = (36.0 * 36.0 + 24.0 * 24.0).squareRoot()

        // Recorded: the median of the three photos that have one (26, 26, 28 mm).
        let recorded = FocalPrior.choose(video: nil, photos: photos, width: 96, height: 64, options: options)
        XCTAssertEqual(recorded.pixels, 26 * diagonal / film, accuracy: 1e-9)
        XCTAssertTrue(recorded.source.contains("FocalLengthIn35mmFilm = 26 mm"), recorded.source)
        XCTAssertTrue(recorded.source.contains("3 of 4 images"), recorded.source)

        // Told to ignore it, or no photo records one: the field-of-view prior.
        options.useRecordedFocal = false
        let prior = FocalPrior.choose(video: nil, photos: photos, width: 96, height: 64, options: options)
        XCTAssertEqual(prior.pixels, 48 / tan(30 * Double.pi / 180), accuracy: 1e-9)
        XCTAssertTrue(prior.source.contains("field-of-view prior 60°"), prior.source)
        options.useRecordedFocal = true
        let none = FocalPrior.choose(video: nil, photos: [photos[2]], width: 96, height: 64, options: options)
        XCTAssertEqual(none, prior)

        // Given (`--focal`) wins over everything.
        options.reconstruction.focalPrior = 123
        XCTAssertEqual(FocalPrior.choose(video: nil, photos: photos, width: 96, height: 64, options: options),
                       FocalPrior(pixels: 123, source: "given (--focal)"))
    }

    /// A video whose container records Apple's 35 mm-equivalent key (written by the ffmpeg
    /// tool), at the keyframes' size.
    func testVideoMetadata() throws {
        guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("ffmpeg tool not installed")
        }
        let video = folder.appendingPathComponent("clip.mp4")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10", "-t", "0.3", "-pix_fmt", "yuv420p",
                             "-metadata", "\(RecordedFocal.quickTimeKey)=30", "-movflags", "use_metadata_tags", video.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let chosen = FocalPrior.choose(video: video, photos: [], width: 1280, height: 720, options: EstimateOptions())
        let diagonal: Double = (1280.0 * 1280.0 + 720.0 * 720.0).squareRoot(), film: Double = (36.0 * 36.0 + 24.0 * 24.0).squareRoot()
        XCTAssertEqual(chosen.pixels, 30 * diagonal / film, accuracy: 1e-9)
        XCTAssertTrue(chosen.source.hasPrefix("video metadata"), chosen.source)
    }
}
