import Foundation
import Geometry
import Render

// `swift run -c release render-benchmark [--size 512] [--frames 24] [--triangles 100000]`:
// renders a textured sphere of about 100k triangles from an orbit and prints `key value` lines.

func option(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
    return v
}

let size = option("--size", 512), frames = option("--frames", 24), triangles = option("--triangles", 100_000)
let supersample = option("--supersample", 2)
// A UV sphere of s segments and s/2 rings has s·(s/2 − 1)·2 ≈ s² triangles.
let segments = max(Int(Double(triangles).squareRoot().rounded()), 8)
let mesh = Primitive.sphere(radius: 1, segments: segments, rings: segments / 2).mesh()
let texture = ProceduralTexture.noise(scale: 16, seed: 7, colors: [SIMD3(0.9, 0.5, 0.2), SIMD3(0.1, 0.3, 0.8)])
    .texture(resolution: 1024)
let scene = Scene(objects: [SceneObject(name: "sphere", parts: [ScenePart(mesh: mesh, material: Material(texture: texture))])])
var orbit = OrbitPath(count: frames, radius: 3, elevationDegrees: 20, fieldOfViewYDegrees: 45, width: size, height: size)
let cameras = orbit.cameras()
let renderer = try Renderer(scene: scene, settings: RenderSettings(supersample: supersample))
_ = try renderer.render(camera: cameras[0])  // warm-up
let start = Date()
var coverage = 0.0
for camera in cameras {
    let frame = try renderer.render(camera: camera)
    coverage += Double(frame.alpha.reduce(0, +)) / Double(size * size)
}
let seconds = Date().timeIntervalSince(start)
print("triangles \(mesh.triangleCount)")
print("size \(size)x\(size)")
print("supersample \(supersample)")
print("frames \(frames)")
print(String(format: "seconds %.3f", seconds))
print(String(format: "fps %.2f", Double(frames) / seconds))
print(String(format: "coverage %.3f", coverage / Double(frames)))
_ = orbit
