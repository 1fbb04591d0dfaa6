import XCTest
@testable import Geometry

final class SimilarityTests: XCTestCase {
    func testUmeyamaRecoversRandomSimilarity() throws {
        var rng = SeededGenerator(seed: 40)
        for trial in 0..<30 {
            let truth = Similarity3(scale: rng.nextDouble(in: 0.2, 5), rotation: rng.nextRotation().rotationMatrix,
                                    translation: rng.vec3(10))
            let count = 3 + trial % 20
            let source = (0..<count).map { _ in rng.vec3(4) }
            let target = source.map { truth.apply($0) }
            let found = try Similarity3.umeyama(from: source, to: target)
            XCTAssertEqual(found.scale, truth.scale, accuracy: 1e-6)
            assertClose(found.rotation, truth.rotation, 1e-6)
            assertClose(found.translation, truth.translation, 1e-6)
            assertRotation(found.rotation, 1e-10)
        }
    }

    func testUmeyamaRigidWithoutScale() throws {
        var rng = SeededGenerator(seed: 41)
        for _ in 0..<20 {
            let truth = Similarity3(scale: 1, rotation: rng.nextRotation().rotationMatrix, translation: rng.vec3(10))
            let source = (0..<10).map { _ in rng.vec3(4) }
            let target = source.map { truth.apply($0) }
            let found = try Similarity3.umeyama(from: source, to: target, estimateScale: false)
            XCTAssertEqual(found.scale, 1)
            assertClose(found.rotation, truth.rotation, 1e-6)
            assertClose(found.translation, truth.translation, 1e-6)
        }
    }

    func testUmeyamaNeverReturnsReflection() throws {
        // Target is a mirror image: best proper rotation must still have det +1.
        let source: [Vec3] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [-1, 0.5, 0.2]]
        let target = source.map { Vec3(-$0.x, $0.y, $0.z) }
        let found = try Similarity3.umeyama(from: source, to: target)
        assertRotation(found.rotation, 1e-10)
    }

    func testUmeyamaDegenerateInputThrows() {
        let line: [Vec3] = [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]
        let spread: [Vec3] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
        XCTAssertThrowsError(try Similarity3.umeyama(from: line, to: spread)) { error in
            guard case GeometryError.degeneratePoints = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Similarity3.umeyama(from: spread, to: line))
        XCTAssertThrowsError(try Similarity3.umeyama(from: Array(repeating: Vec3(1, 2, 3), count: 5),
                                                     to: Array(spread + [[1, 1, 1]])))
        XCTAssertThrowsError(try Similarity3.umeyama(from: Array(spread.prefix(2)), to: Array(spread.prefix(2)))) { error in
            XCTAssertEqual(error as? GeometryError, .tooFewPoints(count: 2, needed: 3))
        }
        XCTAssertThrowsError(try Similarity3.umeyama(from: spread, to: Array(spread.prefix(3)))) { error in
            XCTAssertEqual(error as? GeometryError, .mismatchedCounts(source: 4, target: 3))
        }
        XCTAssertThrowsError(try Similarity3.umeyama(from: spread, to: spread.map { _ in Vec3(.nan, 0, 0) }))
    }

    func testInverseAndPoseTransformKeepPixels() {
        var rng = SeededGenerator(seed: 42)
        let k = Intrinsics(fieldOfViewY: 50, width: 640, height: 480)
        for _ in 0..<20 {
            let sim = Similarity3(scale: rng.nextDouble(in: 0.3, 3), rotation: rng.nextRotation().rotationMatrix,
                                  translation: rng.vec3(5))
            let p = rng.vec3(5)
            assertClose(sim.inverse.apply(sim.apply(p)), p, 1e-12)
            let pose = Pose(lookingFrom: rng.vec3(10) + Vec3(0, 0, 15), at: rng.vec3(1), up: [0, 1, 0])
            let moved = sim.apply(pose)
            assertRotation(moved.rotation)
            assertClose(moved.center, sim.apply(pose.center), 1e-10)
            // The same world point, carried along, lands on the same pixel at a scaled depth.
            let world = rng.vec3(2)
            let before = pose.apply(world), after = moved.apply(sim.apply(world))
            assertClose(k.project(after), k.project(before), 1e-9)
            XCTAssertEqual(after.z, sim.scale * before.z, accuracy: 1e-10)
        }
    }
}
