import Export
import Foundation
import Splats
import XCTest

final class PLYFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vid2world-ply-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A cloud whose every value is distinct, so a swapped field or channel shows.
    private func randomCloud(count: Int, degree: Int, seed: UInt64) -> GaussianCloud {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1
        }
        var cloud = GaussianCloud(count: count, shDegree: degree)
        cloud.means = cloud.means.map { _ in next() * 5 }
        cloud.logScales = cloud.logScales.map { _ in next() * 3 }
        cloud.rotations = cloud.rotations.map { _ in next() + 1.5 }
        cloud.opacityLogits = cloud.opacityLogits.map { _ in next() * 4 }
        cloud.sh = cloud.sh.map { _ in next() }
        return cloud
    }

    func testWriteReadIsExactForEveryDegree() throws {
        for degree in 0...3 {
            let cloud = randomCloud(count: 57, degree: degree, seed: UInt64(degree + 1))
            let url = folder.appendingPathComponent("scene\(degree).ply")
            let result = try PLYFile.write(cloud, to: url)
            XCTAssertEqual(result.written, 57)
            XCTAssertEqual(try PLYFile.read(url), cloud)
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasSuffix(".tmp") })
    }

    /// The reference layout, built byte by byte here (not by the writer): 2 splats of degree 1.
    private func referenceFile(rows: [[Float]], names: [String], extraHeader: String = "") -> Data {
        var text = "ply\nformat binary_little_endian 1.0\n\(extraHeader)element vertex \(rows.count)\n"
        for name in names { text += "property float \(name)\n" }
        text += "end_header\n"
        var data = Data(text.utf8)
        for row in rows { for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
        return data
    }

    private let degree1Names = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
        + (0..<9).map { "f_rest_\($0)" } + ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]

    func testHandBuiltReferenceFileLoads() throws {
        // Row i: value of property p is 100 i + p, so each field is recognisable.
        let rows = (0..<2).map { i in (0..<degree1Names.count).map { Float(100 * i + $0) } }
        let url = folder.appendingPathComponent("reference.ply")
        try referenceFile(rows: rows, names: degree1Names).write(to: url)
        let cloud = try PLYFile.read(url)
        XCTAssertEqual(cloud.count, 2)
        XCTAssertEqual(cloud.shDegree, 1)
        XCTAssertEqual(Array(cloud.means[3..<6]), [100, 101, 102])
        // DC of splat 1, channels 0..2 = properties 6..8.
        XCTAssertEqual(cloud.sh[4 * 3 + 0], 106)
        XCTAssertEqual(cloud.sh[4 * 3 + 2], 108)
        // f_rest is channel-major: channel 1, coefficient 2 (j = 2) is f_rest_{1*3 + 1} = property 9 + 4.
        XCTAssertEqual(cloud.sh[(4 + 2) * 3 + 1], 113)
        XCTAssertEqual(cloud.opacityLogits[1], 118)
        XCTAssertEqual(Array(cloud.logScales[3..<6]), [119, 120, 121])
        XCTAssertEqual(Array(cloud.rotations[4..<8]), [122, 123, 124, 125])
    }

    /// gsplat writes no normals; Brush orders the fields its own way; both must load the same.
    func testPropertiesMatchedByName() throws {
        let rows = (0..<3).map { i in (0..<degree1Names.count).map { Float(10 * i + $0) + 0.5 } }
        let url = folder.appendingPathComponent("base.ply")
        try referenceFile(rows: rows, names: degree1Names).write(to: url)
        let base = try PLYFile.read(url)

        let keep = degree1Names.indices.filter { !degree1Names[$0].hasPrefix("n") }
        let noNormals = folder.appendingPathComponent("gsplat.ply")
        try referenceFile(rows: rows.map { r in keep.map { r[$0] } }, names: keep.map { degree1Names[$0] }).write(to: noNormals)
        XCTAssertEqual(try PLYFile.read(noNormals), base)

        let shuffled = Array(degree1Names.indices.reversed())
        let reordered = folder.appendingPathComponent("brush.ply")
        try referenceFile(rows: rows.map { r in shuffled.map { r[$0] } }, names: shuffled.map { degree1Names[$0] },
                          extraHeader: "comment other tool\n").write(to: reordered)
        XCTAssertEqual(try PLYFile.read(reordered), base)
    }

    func testNonFiniteSplatsAreNeverWritten() throws {
        var cloud = randomCloud(count: 10, degree: 2, seed: 9)
        cloud.means[3 * 2] = .nan
        cloud.sh[5 * 27 + 4] = .infinity
        for a in 0..<4 { cloud.rotations[4 * 7 + a] = 0 }
        let url = folder.appendingPathComponent("scene.ply")
        let result = try PLYFile.write(cloud, to: url)
        XCTAssertEqual(result.written, 7)
        XCTAssertEqual(result.dropped, 3)
        let back = try PLYFile.read(url)
        XCTAssertEqual(back.count, 7)
        XCTAssertTrue(back.means.allSatisfy(\.isFinite) && back.sh.allSatisfy(\.isFinite))
    }

    func testRefusesFilesWhoseHeaderDisagreesWithSize() throws {
        let cloud = randomCloud(count: 20, degree: 3, seed: 4)
        let url = folder.appendingPathComponent("scene.ply")
        try PLYFile.write(cloud, to: url)
        let data = try Data(contentsOf: url)

        let truncated = folder.appendingPathComponent("truncated.ply")
        try data.prefix(data.count - 10).write(to: truncated)
        XCTAssertThrowsError(try PLYFile.read(truncated)) { XCTAssertTrue("\($0)".contains("truncated.ply") && "\($0)".contains("truncated")) }

        let padded = folder.appendingPathComponent("padded.ply")
        try (data + Data(count: 8)).write(to: padded)
        XCTAssertThrowsError(try PLYFile.read(padded))

        // A header claiming a billion splats is refused before anything is allocated.
        let text = String(decoding: data.prefix(200), as: UTF8.self).replacingOccurrences(of: "element vertex 20", with: "element vertex 1000000000")
        let huge = folder.appendingPathComponent("huge.ply")
        try (Data(text.utf8) + data.dropFirst(200)).write(to: huge)
        XCTAssertThrowsError(try PLYFile.read(huge)) { XCTAssertTrue("\($0)".contains("1000000000")) }

        let noOpacity = folder.appendingPathComponent("noopacity.ply")
        try referenceFile(rows: [], names: degree1Names.filter { $0 != "opacity" }).write(to: noOpacity)
        XCTAssertThrowsError(try PLYFile.read(noOpacity)) { XCTAssertTrue("\($0)".contains("'opacity'")) }

        let oddRest = folder.appendingPathComponent("oddrest.ply")
        try referenceFile(rows: [], names: degree1Names.filter { $0 != "f_rest_8" }).write(to: oddRest)
        XCTAssertThrowsError(try PLYFile.read(oddRest)) { XCTAssertTrue("\($0)".contains("8 f_rest")) }

        let notPLY = folder.appendingPathComponent("text.ply")
        try "hello".write(to: notPLY, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PLYFile.read(notPLY)) { XCTAssertTrue("\($0)".contains("text.ply")) }
        XCTAssertThrowsError(try PLYFile.read(folder.appendingPathComponent("missing.ply"))) { XCTAssertTrue("\($0)".contains("no such file")) }
    }

    func testASCIIAndDoublePrecisionFilesLoad() throws {
        var text = "ply\nformat ascii 1.0\nelement vertex 1\n"
        for name in degree1Names { text += "property double \(name)\n" }
        text += "end_header\n" + (0..<degree1Names.count).map { String(Double($0) * 0.5) }.joined(separator: " ") + "\n"
        let url = folder.appendingPathComponent("ascii.ply")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let cloud = try PLYFile.read(url)
        XCTAssertEqual(cloud.means, [0, 0.5, 1])
        XCTAssertEqual(cloud.opacityLogits, [9])
    }

    /// The independent checker from the team's shared tools, when it is present.
    func testSharedCheckerAcceptsOurFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let checker = root.deletingLastPathComponent().appendingPathComponent("shared/tools/check_ply.py")
        guard FileManager.default.fileExists(atPath: checker.path),
              let python = ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shared/tools/check_ply.py or python3 not available")
        }
        let cloud = randomCloud(count: 33, degree: 3, seed: 5)
        let url = folder.appendingPathComponent("scene.ply")
        try PLYFile.write(cloud, to: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [checker.path, url.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertEqual(text.trimmingCharacters(in: .whitespacesAndNewlines), "33")
    }
}
