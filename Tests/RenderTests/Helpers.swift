import Foundation
import Geometry
@testable import Render

/// A camera at `eye` looking at `target` with an explicit focal length and principal point at the centre.
func camera(eye: Vec3, target: Vec3 = .zero, focal: Double, width: Int, height: Int) -> Camera {
    Camera(width: width, height: height,
           intrinsics: Intrinsics(fx: focal, fy: focal, cx: Double(width) / 2, cy: Double(height) / 2),
           pose: Pose(lookingFrom: eye, at: target, up: Vec3(0, 1, 0)))
}

/// One object made of one primitive.
func object(_ primitive: Primitive, material: Material = Material(), transform: ObjectTransform = .identity) -> SceneObject {
    SceneObject(name: "test", parts: [ScenePart(mesh: primitive.mesh(), material: material)],
                animation: Animation(base: transform))
}

/// Peak signal-to-noise ratio in dB for values in [0, 1].
func psnr(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var sum = 0.0
    for k in a.indices { let d = Double(a[k] - b[k]); sum += d * d }
    let mse = sum / Double(a.count)
    return mse == 0 ? .infinity : 10 * log10(1 / mse)
}

/// Folder of this package (tests read Scenes/ from it).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("render-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
