import Foundation
import XCTest
@testable import Geometry

final class TransformsFileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("geometry-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func writeText(_ text: String, name: String = "transforms.json") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func assertSameFrames(_ a: TransformsFile, _ b: TransformsFile, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.frames.count, b.frames.count, file: file, line: line)
        for (x, y) in zip(a.frames, b.frames) {
            XCTAssertEqual(x.filePath, y.filePath, file: file, line: line)
            XCTAssertEqual(x.time, y.time, file: file, line: line)
            XCTAssertEqual(x.camera.width, y.camera.width, file: file, line: line)
            XCTAssertEqual(x.camera.height, y.camera.height, file: file, line: line)
            XCTAssertEqual(x.camera.intrinsics, y.camera.intrinsics, file: file, line: line)
            assertClose(x.camera.pose.rotation, y.camera.pose.rotation, 1e-12, file: file, line: line)
            assertClose(x.camera.pose.translation, y.camera.pose.translation, 1e-12, file: file, line: line)
        }
    }

    func testRoundTripSharedIntrinsics() throws {
        var rng = SeededGenerator(seed: 60)
        let k = Intrinsics(fx: 1419.2, fy: 1418.6, cx: 957.3, cy: 541.8,
                           distortion: Distortion(k1: 0.13, k2: -0.59, p1: -0.002, p2: 0.001, k3: 1.3))
        let frames = (0..<5).map { i in
            CameraFrame(filePath: "images/frame_\(i).png",
                        camera: Camera(width: 1920, height: 1080, intrinsics: k, pose: rng.pose()),
                        time: Double(i) / 4)
        }
        let original = TransformsFile(frames: frames)
        let url = folder.appendingPathComponent("transforms.json")
        try original.write(to: url)
        let back = try TransformsFile.read(from: url)
        assertSameFrames(original, back)
        // No temporary file left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["transforms.json"])

        // An independent reader sees nerfstudio keys with the right values.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        XCTAssertEqual(json["camera_model"] as? String, "OPENCV")
        XCTAssertEqual((json["fl_x"] as? NSNumber)?.doubleValue, 1419.2)
        XCTAssertEqual((json["k3"] as? NSNumber)?.doubleValue, 1.3)
        XCTAssertEqual((json["w"] as? NSNumber)?.intValue, 1920)
        let frame0 = (json["frames"] as! [[String: Any]])[0]
        XCTAssertEqual(frame0["file_path"] as? String, "images/frame_0.png")
        let matrix = (frame0["transform_matrix"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        // Column 3 of the camera-to-world matrix is the camera centre.
        assertClose(Vec3(matrix[0][3], matrix[1][3], matrix[2][3]), frames[0].camera.pose.center, 1e-12)
    }

    func testRoundTripPerFrameIntrinsicsAndOverwrite() throws {
        var rng = SeededGenerator(seed: 61)
        let frames = (0..<3).map { i in
            CameraFrame(filePath: "a \"quoted\" \\ name \(i).jpg",
                        camera: Camera(width: 640 + i, height: 480,
                                       intrinsics: Intrinsics(fx: 500 + Double(i), fy: 501, cx: 320.5, cy: 240.25),
                                       pose: rng.pose()),
                        time: nil)
        }
        let original = TransformsFile(frames: frames)
        let url = folder.appendingPathComponent("t.json")
        try TransformsFile(frames: []).write(to: url)
        try original.write(to: url)  // replaces the existing file
        assertSameFrames(original, try TransformsFile.read(from: url))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        XCTAssertNil(json["fl_x"])
        let frame2 = (json["frames"] as! [[String: Any]])[2]
        XCTAssertEqual((frame2["fl_x"] as? NSNumber)?.doubleValue, 502)
        XCTAssertEqual((frame2["w"] as? NSNumber)?.intValue, 642)
    }

    func testReadNeRFSyntheticCameraAngleX() throws {
        let url = try writeText("""
        {
            "camera_angle_x": 0.6911112070083618,
            "frames": [
                {
                    "file_path": "./train/r_0",
                    "rotation": 0.012566370614359171,
                    "transform_matrix": [
                        [-0.9999021887779236, 0.004192245192825794, -0.013345719315111637, -0.05379832163453102],
                        [-0.013988681137561798, -0.2996590733528137, 0.95394366979599, 3.845470428466797],
                        [-4.656612873077393e-10, 0.9540371894836426, 0.29968830943107605, 1.2080823183059692],
                        [0.0, 0.0, 0.0, 1.0]
                    ]
                }
            ]
        }
        """)
        let file = try TransformsFile.read(from: url, imageSize: (800, 800))
        XCTAssertEqual(file.frames.count, 1)
        let frame = file.frames[0]
        XCTAssertEqual(frame.filePath, "./train/r_0")
        XCTAssertNil(frame.time)
        XCTAssertEqual(frame.camera.intrinsics.fx, 400 / tan(0.6911112070083618 / 2), accuracy: 1e-9)
        XCTAssertEqual(frame.camera.intrinsics.fx, 1111.111, accuracy: 1e-3)  // known blender focal
        XCTAssertEqual(frame.camera.intrinsics.fy, frame.camera.intrinsics.fx)
        XCTAssertEqual(frame.camera.intrinsics.cx, 400); XCTAssertEqual(frame.camera.intrinsics.cy, 400)
        assertClose(frame.camera.pose.center, [-0.05379832163453102, 3.845470428466797, 1.2080823183059692], 1e-12)
        // The blender cameras look at the origin: it must project near the image centre.
        let (pixel, depth) = frame.camera.project(.zero)
        XCTAssertGreaterThan(depth, 0)
        assertClose(pixel, [400, 400], 5)

        // Without w/h and no fallback size the missing key is reported.
        XCTAssertThrowsError(try TransformsFile.read(from: url)) { error in
            XCTAssertTrue("\(error)".contains("'w'"), "\(error)")
        }
    }

    func testReadPerFrameKeysOverrideGlobal() throws {
        let url = try writeText("""
        {"fl_x": 100, "fl_y": 110, "w": 64, "h": 48, "k1": 0.1, "camera_model": "OPENCV",
         "frames": [
           {"file_path": "a.png", "transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]], "time": 0.5},
           {"file_path": "b.png", "fl_x": 200, "cx": 30, "k1": 0,
            "transform_matrix": [[1,0,0,1],[0,1,0,0],[0,0,1,0],[0,0,0,1]]}
         ]}
        """)
        let file = try TransformsFile.read(from: url)
        XCTAssertEqual(file.frames[0].camera.intrinsics,
                       Intrinsics(fx: 100, fy: 110, cx: 32, cy: 24, distortion: Distortion(k1: 0.1)))
        XCTAssertEqual(file.frames[0].time, 0.5)
        XCTAssertEqual(file.frames[1].camera.intrinsics, Intrinsics(fx: 200, fy: 110, cx: 30, cy: 24))
        assertClose(file.frames[1].camera.pose.center, [1, 0, 0], 1e-15)
    }

    func assertReadFails(_ text: String?, mentioning parts: [String], name: String = "bad.json",
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let url: URL
        if let text { url = try writeText(text, name: name) } else { url = folder.appendingPathComponent(name) }
        XCTAssertThrowsError(try TransformsFile.read(from: url), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(url.path), "should name the file: \(message)", file: file, line: line)
            for part in parts {
                XCTAssertTrue(message.contains(part), "should mention \(part): \(message)", file: file, line: line)
            }
        }
    }

    func testBadFilesNameFileAndKey() throws {
        let identity = "[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]"
        try assertReadFails(nil, mentioning: ["not found"], name: "missing.json")
        try assertReadFails("this is { not json", mentioning: ["not valid JSON"], name: "notjson.json")
        try assertReadFails("[1, 2]", mentioning: ["JSON object"], name: "array.json")
        try assertReadFails(#"{"fl_x": 1}"#, mentioning: ["'frames'"], name: "noframes.json")
        try assertReadFails(#"{"frames": 3}"#, mentioning: ["'frames'", "array"], name: "frames-type.json")
        try assertReadFails(#"{"fl_x": 100, "w": 10, "h": 10, "frames": [{"transform_matrix": \#(identity)}]}"#,
                            mentioning: ["'frames[0].file_path'"], name: "nopath.json")
        try assertReadFails(#"{"fl_x": 100, "w": 10, "h": 10, "frames": [{"file_path": 5, "transform_matrix": \#(identity)}]}"#,
                            mentioning: ["'frames[0].file_path'", "string"], name: "pathtype.json")
        try assertReadFails(#"{"fl_x": 100, "w": 10, "h": 10, "frames": [{"file_path": "a"}]}"#,
                            mentioning: ["'frames[0].transform_matrix'"], name: "nomatrix.json")
        try assertReadFails(#"{"fl_x": 100, "w": 10, "h": 10, "frames": [{"file_path": "a", "transform_matrix": [[1,0],[0,1]]}]}"#,
                            mentioning: ["'frames[0].transform_matrix'"], name: "matrixshape.json")
        try assertReadFails(#"{"fl_x": "big", "w": 10, "h": 10, "frames": [{"file_path": "a", "transform_matrix": \#(identity)}]}"#,
                            mentioning: ["'fl_x'", "number"], name: "fltype.json")
        try assertReadFails(#"{"w": 10, "h": 10, "frames": [{"file_path": "a", "transform_matrix": \#(identity)}]}"#,
                            mentioning: ["'fl_x'"], name: "nofocal.json")
        try assertReadFails(#"{"fl_x": 100, "w": 10, "h": 10, "frames": [{"file_path": "a", "k1": [1], "transform_matrix": \#(identity)}]}"#,
                            mentioning: ["'frames[0].k1'"], name: "k1type.json")
        try assertReadFails(#"{"camera_model": "OPENCV_FISHEYE", "fl_x": 100, "w": 10, "h": 10, "frames": [{"file_path": "a", "transform_matrix": \#(identity)}]}"#,
                            mentioning: ["'camera_model'", "OPENCV_FISHEYE"], name: "fisheye.json")
    }

    func testWriteIntoMissingFolderThrows() {
        let url = folder.appendingPathComponent("no/such/dir/transforms.json")
        XCTAssertThrowsError(try TransformsFile(frames: []).write(to: url)) { error in
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
        }
    }
}
