import Foundation
import XCTest
@testable import Generate

/// The reader against files written by hand here (not by the reader's own code), good and bad.
final class SafeTensorsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func file(_ name: String, header: String, data: [UInt8], declaredLength: UInt64? = nil) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try writeSafeTensors(header: header, data: data, to: url, declaredLength: declaredLength)
        return url
    }

    /// Expects `.badTensor` naming this file and `tensor`, with `reasonPart` in the reason.
    private func assertBadTensor(_ url: URL, tensor: String, reasonPart: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile(url: url), file: file, line: line) { error in
            guard case let GenerateError.badTensor(path, name, reason) = error else {
                return XCTFail("expected badTensor, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(path, url.path, file: file, line: line)
            XCTAssertEqual(name, tensor, file: file, line: line)
            XCTAssertTrue(reason.contains(reasonPart), "reason: \(reason)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(url.lastPathComponent) && "\(error)".contains(tensor), "\(error)",
                          file: file, line: line)
        }
    }

    func testReadsF32F16AndBF16() throws {
        // a: F32 [2, 2]; h: F16 [3] = 1, -2, 0.5 plus a subnormal; b: BF16 [2] = 1.5, -3.
        let a = floatBytes([1, 2, 3.5, -4])
        let h: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0x01, 0x00]  // 1, -2, 0.5, 2^-24
        let b: [UInt8] = [0xC0, 0x3F, 0x40, 0xC0]                          // 1.5, -3
        let header = """
        {"__metadata__": {"format": "test"}, "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
         "h": {"dtype": "F16", "shape": [4], "data_offsets": [16, 24]}, "b": {"dtype": "BF16", "shape": [2], "data_offsets": [24, 28]}}
        """
        let f = try SafeTensorsFile(url: try file("good.safetensors", header: header, data: a + h + b))
        XCTAssertEqual(f.names, ["a", "b", "h"])
        XCTAssertEqual(f.metadata, ["format": "test"])
        XCTAssertEqual(try f.floats("a", shape: [2, 2]), [1, 2, 3.5, -4])
        XCTAssertEqual(try f.floats("h"), [1, -2, 0.5, 0x1p-24])
        XCTAssertEqual(try f.floats("b"), [1.5, -3])
        XCTAssertThrowsError(try f.floats("a", shape: [4])) { error in
            XCTAssertEqual(error as? GenerateError, .badTensor(file: f.path, tensor: "a", reason: "shape [2, 2], expected [4]"))
        }
        XCTAssertThrowsError(try f.floats("missing")) { error in
            XCTAssertEqual(error as? GenerateError, .missingTensor(file: f.path, tensor: "missing"))
        }
    }

    func testHalfConversionCoversSpecialValues() {
        XCTAssertEqual(SafeTensorsFile.halfToFloat(0x7BFF), 65504)
        XCTAssertEqual(SafeTensorsFile.halfToFloat(0x7C00), .infinity)
        XCTAssertEqual(SafeTensorsFile.halfToFloat(0xFC00), -.infinity)
        XCTAssertTrue(SafeTensorsFile.halfToFloat(0x7E00).isNaN)
        XCTAssertEqual(SafeTensorsFile.halfToFloat(0x8000).sign, .minus)
        XCTAssertEqual(SafeTensorsFile.halfToFloat(0x0400), 0x1p-14)   // smallest normal
        XCTAssertEqual(SafeTensorsFile.halfToFloat(0x03FF), 1023 * 0x1p-24)
    }

    func testTruncatedDataIsRefusedNamingTheTensor() throws {
        let header = #"{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#
        let url = try file("cut.safetensors", header: header, data: Array(floatBytes([1, 2, 3, 4]).prefix(10)))
        assertBadTensor(url, tensor: "w", reasonPart: "truncated")
    }

    func testTruncatedHeaderIsRefused() throws {
        let url = try file("short.safetensors", header: #"{"w": {}}"#, data: [], declaredLength: 500)
        XCTAssertThrowsError(try SafeTensorsFile(url: url)) { error in
            guard case let GenerateError.badHeader(path, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertTrue(reason.contains("header length 500"), reason)
        }
        let tiny = folder.appendingPathComponent("tiny.safetensors")
        try Data([1, 2, 3]).write(to: tiny)
        XCTAssertThrowsError(try SafeTensorsFile(url: tiny)) { error in
            XCTAssertTrue("\(error)".contains("too short"), "\(error)")
        }
    }

    func testOverlappingTensorsAreRefused() throws {
        let header = """
        {"first": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
         "second": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}
        """
        let url = try file("overlap.safetensors", header: header, data: floatBytes([1, 2, 3]))
        assertBadTensor(url, tensor: "second", reasonPart: "overlap tensor 'first'")
    }

    func testUnsupportedDtypeIsRefused() throws {
        let header = #"{"ids": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}"#
        let url = try file("ints.safetensors", header: header, data: [UInt8](repeating: 0, count: 8))
        assertBadTensor(url, tensor: "ids", reasonPart: "dtype I64 is not supported")
    }

    func testShapeThatDisagreesWithTheByteLengthIsRefused() throws {
        let header = #"{"w": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 16]}}"#
        let url = try file("shape.safetensors", header: header, data: floatBytes([1, 2, 3, 4]))
        assertBadTensor(url, tensor: "w", reasonPart: "needs 24 bytes, data_offsets give 16")
        let negative = try file("negative.safetensors",
                                header: #"{"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}}"#,
                                data: floatBytes([1, 2, 3, 4]))
        assertBadTensor(negative, tensor: "w", reasonPart: "shape")
        let fractional = try file("fraction.safetensors",
                                  header: #"{"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#,
                                  data: floatBytes([1]))
        assertBadTensor(fractional, tensor: "w", reasonPart: "shape")
    }

    func testBackwardOffsetsAndMissingFieldsAreRefused() throws {
        let backwards = try file("back.safetensors", header: #"{"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}}"#,
                                 data: floatBytes([1, 2, 3]))
        assertBadTensor(backwards, tensor: "w", reasonPart: "backwards")
        let noDtype = try file("nodtype.safetensors", header: #"{"w": {"shape": [1], "data_offsets": [0, 4]}}"#,
                               data: floatBytes([1]))
        assertBadTensor(noDtype, tensor: "w", reasonPart: "no dtype")
    }

    func testNonJSONHeaderAndMissingFileAreRefused() throws {
        let url = try file("garbage.safetensors", header: "not json at all", data: [])
        XCTAssertThrowsError(try SafeTensorsFile(url: url)) { error in
            XCTAssertEqual(error as? GenerateError, .badHeader(file: url.path, reason: "header is not a JSON object"))
        }
        let missing = folder.appendingPathComponent("nothing.safetensors")
        XCTAssertThrowsError(try SafeTensorsFile(url: missing)) { error in
            XCTAssertEqual(error as? GenerateError, .fileNotFound(file: missing.path))
        }
    }

    /// The committed model file, from PyTorch's safetensors writer, reads back whole.
    func testReadsTheFixtureWrittenByPython() throws {
        let f = try SafeTensorsFile(url: ditFixture.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(f.entries["blocks.0.attn.qkv.weight"]?.shape, [144, 48])
        XCTAssertEqual(f.metadata["format"], "vid2world-dit")
        let w = try f.floats("blocks.0.attn.qkv.weight")
        XCTAssertTrue(w.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(w.map(abs).max()!, 0.1)  // random weights, not zeros
    }
}
