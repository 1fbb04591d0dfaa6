import Export
import Foundation
import XCTest

final class PointCloudFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-points-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testWriteReadKeepsPositionsExactlyAndColoursToTheByte() throws {
        let count = 41
        let positions = (0..<(3 * count)).map { Float($0) * 0.37 - 11.5 }
        let colours = (0..<(3 * count)).map { UInt8(($0 * 53) % 256) }
        let url = folder.appendingPathComponent("points.ply")
        try PointCloudFile.write(positions: positions, colours: colours, to: url)
        let read = try PointCloudFile.read(url)
        XCTAssertEqual(read.positions, positions)
        XCTAssertEqual(read.colours.map { UInt8(($0 * 255).rounded()) }, colours)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["points.ply"])
        // The body is 15 bytes a point: three floats and three bytes.
        let data = try Data(contentsOf: url)
        XCTAssertEqual(data.count - data.range(of: Data("end_header\n".utf8))!.upperBound, 15 * count)
    }

    /// Another writer's layout: ASCII, doubles, colours first, an extra property, float colours.
    func testReadsPropertiesByName() throws {
        let url = folder.appendingPathComponent("other.ply")
        try """
        ply
        format ascii 1.0
        element vertex 2
        property float red
        property float green
        property float blue
        property double z
        property double y
        property double x
        property float confidence
        end_header
        0.25 0.5 1 3 2 1 0.9
        0 0 0 -6 -5 -4 0.1

        """.write(to: url, atomically: true, encoding: .utf8)
        let read = try PointCloudFile.read(url)
        XCTAssertEqual(read.positions, [1, 2, 3, -4, -5, -6])
        XCTAssertEqual(read.colours, [0.25, 0.5, 1, 0, 0, 0])
    }

    func testRefusesTruncatedAndIncompleteFiles() throws {
        let url = folder.appendingPathComponent("points.ply")
        try PointCloudFile.write(positions: [1, 2, 3, 4, 5, 6], colours: [1, 2, 3, 4, 5, 6], to: url)
        let data = try Data(contentsOf: url)
        let cut = folder.appendingPathComponent("cut.ply")
        try data.prefix(data.count - 4).write(to: cut)
        XCTAssertThrowsError(try PointCloudFile.read(cut)) { error in
            XCTAssertTrue("\(error)".contains("cut.ply") && "\(error)".contains("truncated"), "\(error)")
        }
        let noZ = folder.appendingPathComponent("noz.ply")
        try "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nend_header\n1 2\n"
            .write(to: noZ, atomically: true, encoding: .utf8)
        XCTAssertEqual(try? PointCloudFile.read(noZ).positions, nil)
        XCTAssertThrowsError(try PointCloudFile.read(noZ)) { XCTAssertEqual($0 as? ExportError, .missingProperty(noZ.path, name: "z")) }
        let nan = folder.appendingPathComponent("nan.ply")
        try PointCloudFile.write(positions: [1, .nan, 3], colours: [0, 0, 0], to: nan)
        XCTAssertThrowsError(try PointCloudFile.read(nan)) { XCTAssertTrue("\($0)".contains("non-finite"), "\($0)") }
    }
}
