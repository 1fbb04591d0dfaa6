import Foundation
import Geometry
import Render

/// Renders a UV sphere of about N triangles with a 1024² noise texture from an orbit and prints
/// `key value` lines: frames/s (wall clock) and frames per CPU-second.
///   benchmarks render [--size 512] [--frames 24] [--triangles 100000] [--supersample 2] [--threads 1]
/// (--threads 1: one thread; otherwise all cores)
enum RenderBenchmark {
    static func run(_ arguments: [String]) throws {
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
            return v
        }
        let size = option("--size", 512), frames = max(option("--frames", 24), 1)
        let triangles = option("--triangles", 100_000), supersample = option("--supersample", 2)
        let threads = option("--threads", 0)
        // A UV sphere of s segments and s/2 rings has about s² triangles.
        let segments = max(Int(Double(triangles).squareRoot().rounded()), 8)
        let mesh = Primitive.sphere(radius: 1, segments: segments, rings: segments / 2).mesh()
        let texture = ProceduralTexture.noise(scale: 16, seed: 7, colors: [SIMD3(0.9, 0.5, 0.2), SIMD3(0.1, 0.3, 0.8)])
            .texture(resolution: 1024)
        let scene = Scene(objects: [SceneObject(name: "sphere", parts: [ScenePart(mesh: mesh, material: Material(texture: texture))])])
        let cameras = OrbitPath(count: frames, radius: 3, elevationDegrees: 20, fieldOfViewYDegrees: 45,
                                width: size, height: size).cameras()
        let renderer = try Renderer(scene: scene, settings: RenderSettings(supersample: supersample, parallel: threads != 1))
        _ = try renderer.render(camera: cameras[0])  // warm-up
        let start = Date(), cpuStart = cpuSeconds()
        var coverage = 0.0
        for camera in cameras {
            let frame = try renderer.render(camera: camera)
            coverage += Double(frame.alpha.reduce(0, +)) / Double(size * size)
        }
        let seconds = Date().timeIntervalSince(start), cpu = cpuSeconds() - cpuStart
        print("triangles \(mesh.triangleCount)")
        print("size \(size)x\(size)")
        print("supersample \(supersample)")
        print("frames \(frames)")
        print(String(format: "seconds %.3f", seconds))
        print(String(format: "fps %.2f", Double(frames) / seconds))
        print(String(format: "cpu_seconds %.3f", cpu))
        // What one core achieves; little disturbed by other load on the machine.
        print(String(format: "fps_per_core %.2f", Double(frames) / cpu))
        print(String(format: "coverage %.3f", coverage / Double(frames)))
    }

    private static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
