import Foundation
import XCTest
@testable import Generate

final class ConfigTests: XCTestCase {
    private func config(_ json: String) throws -> DiTConfig {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("config.json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return try DiTConfig(url: url)
    }

    private func assertBadField(_ json: String, _ field: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try config(json), file: file, line: line) { error in
            guard case let GenerateError.badConfig(path, name, _) = error else {
                return XCTFail("\(error)", file: file, line: line)
            }
            XCTAssertEqual(name, field, file: file, line: line)
            XCTAssertTrue(path.hasSuffix("config.json"), file: file, line: line)
        }
    }

    func testReadsTheFixtureConfig() throws {
        let c = try DiTConfig(url: ditFixture.appendingPathComponent("config.json"))
        XCTAssertEqual(c.resolution, 12); XCTAssertEqual(c.patch, 2); XCTAssertEqual(c.views, 2)
        XCTAssertEqual(c.width, 48); XCTAssertEqual(c.depth, 2); XCTAssertEqual(c.heads, 4)
        XCTAssertEqual(c.attention, .factorised); XCTAssertEqual(c.frequencyDim, 64)
        XCTAssertEqual(c.tokensPerView, 36); XCTAssertEqual(c.patchLength, 16); XCTAssertEqual(c.hidden, 192)
    }

    func testMissingFieldsTakeDefaultsAndBadOnesAreNamed() throws {
        XCTAssertEqual(try config("{}"), DiTConfig())
        assertBadField(#"{"resolution": 30, "patch": 4}"#, "resolution")
        assertBadField(#"{"heads": 5}"#, "heads")
        assertBadField(#"{"width": 100}"#, "width")
        assertBadField(#"{"channels": 2}"#, "channels")
        assertBadField(#"{"depth": "deep"}"#, "depth")
        assertBadField(#"{"depth": 2.5}"#, "depth")
        assertBadField(#"{"attention": "sparse"}"#, "attention")
        assertBadField(#"{"camera_fov": 200}"#, "camera_fov")
        assertBadField(#"{"prediction": "epsilon"}"#, "prediction")
        XCTAssertEqual(try config(#"{"prediction": "x0"}"#).prediction, .x0)
        let sampler = try config(#"{"noise_scale": 0.5, "readout_t": 0.2}"#)
        XCTAssertEqual(sampler.noiseScale, 0.5); XCTAssertEqual(sampler.readoutTime, 0.2)
        XCTAssertEqual(DiTConfig().noiseScale, 1); XCTAssertEqual(DiTConfig().readoutTime, 0)  // the plain sampler
        assertBadField(#"{"noise_scale": 0}"#, "noise_scale")
        XCTAssertEqual(try config(#"{"samples": 8}"#).samples, 8)
        XCTAssertEqual(DiTConfig().samples, 1)
        assertBadField(#"{"samples": 0}"#, "samples")
        assertBadField(#"{"samples": 1.5}"#, "samples")
        assertBadField(#"{"readout_t": 1}"#, "readout_t")
        assertBadField(#"{"readout_t": -0.1}"#, "readout_t")
        assertBadField(#"[1, 2]"#, "(file)")
    }
}
