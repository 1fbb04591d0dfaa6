import XCTest
@testable import Splats

final class GaussianCloudTests: XCTestCase {
    func testSelectingAndAppendingKeepEachSplatTogether() throws {
        var cloud = GaussianCloud(count: 3, shDegree: 1)
        for i in 0..<3 {
            let v = Float(i + 1)
            cloud.means.replaceSubrange(3 * i..<3 * i + 3, with: [v, v, v])
            cloud.logScales.replaceSubrange(3 * i..<3 * i + 3, with: [-v, -v, -v])
            cloud.rotations.replaceSubrange(4 * i..<4 * i + 4, with: [v, 0, 0, v])
            cloud.opacityLogits[i] = 10 * v
            cloud.sh.replaceSubrange(12 * i..<12 * i + 12, with: [Float](repeating: 100 * v, count: 12))
        }
        var picked = try cloud.selecting([2, 0, 2])
        XCTAssertNoThrow(try picked.validate())
        XCTAssertEqual(picked.count, 3)
        XCTAssertEqual(picked.opacityLogits, [30, 10, 30])
        XCTAssertEqual(Array(picked.means[3..<6]), [1, 1, 1])
        XCTAssertEqual(Array(picked.sh[12..<24]), [Float](repeating: 100, count: 12))
        try picked.append(cloud)
        XCTAssertEqual(picked.count, 6)
        XCTAssertNoThrow(try picked.validate())
        XCTAssertEqual(picked.rotations.suffix(4), [3, 0, 0, 3])
        XCTAssertThrowsError(try cloud.selecting([3]))
        XCTAssertThrowsError(try picked.append(GaussianCloud(count: 1, shDegree: 0)))
    }

    func testValidateNamesTheBadField() {
        var cloud = GaussianCloud(count: 2, shDegree: 0)
        cloud.logScales[4] = .nan
        XCTAssertThrowsError(try cloud.validate()) { error in
            XCTAssertEqual(error as? SplatsError, .badCloud(field: "logScales", reason: "value 4 is not finite"))
        }
        cloud.logScales[4] = 0
        cloud.rotations[4] = 0
        XCTAssertThrowsError(try cloud.validate()) { error in
            XCTAssertEqual(error as? SplatsError, .badCloud(field: "rotations", reason: "quaternion of splat 1 is zero"))
        }
    }
}
