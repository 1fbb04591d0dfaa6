// Figures for Tools/bench/splat-kernels: forward + backward of the splat rasterizer on a random
// scene, printed as `key value` lines. Not part of the product.
//   splat-benchmarks [--splats N] [--size S] [--threads T] [--iterations I] [--seed S]
import Foundation
import Geometry
import Splats

func option(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
    return v
}

extension SeededGenerator {
    mutating func uniform(_ a: Float, _ b: Float) -> Float { Float(nextDouble(in: Double(a), Double(b))) }
}

let splats = option("--splats", 100_000), size = option("--size", 256)
let threads = option("--threads", 2), iterations = option("--iterations", 20)
var rng = SeededGenerator(seed: UInt64(option("--seed", 1)))

// Camera at the origin looking down +z, 50° field of view; splats fill a cube of side 2 at
// depth 3...5 (what a fitted object looks like), 0.5...4 px wide, opacity 0.05...0.95, degree 3 SH.
let focal = Float(size) / 2 / tan(25 * Float.pi / 180)
let camera = SplatCamera(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0], fx: focal, fy: focal,
                         cx: Float(size) / 2, cy: Float(size) / 2, width: size, height: size)
var cloud = GaussianCloud(count: splats, shDegree: 3)
for i in 0..<splats {
    let z = rng.uniform(3, 5)
    cloud.means[3 * i] = rng.uniform(-1, 1); cloud.means[3 * i + 1] = rng.uniform(-1, 1); cloud.means[3 * i + 2] = z
    for k in 0..<3 { cloud.logScales[3 * i + k] = log(rng.uniform(0.5, 4) * z / focal) }
    for k in 0..<4 { cloud.rotations[4 * i + k] = rng.uniform(-1, 1) }
    cloud.rotations[4 * i] += 1.5
    let o = rng.uniform(0.05, 0.95)
    cloud.opacityLogits[i] = log(o / (1 - o))
    for k in 0..<48 { cloud.sh[48 * i + k] = k < 3 ? rng.uniform(-1, 1) : rng.uniform(-0.2, 0.2) }
}
let dColor = (0..<3 * size * size).map { _ in rng.uniform(-1, 1) / Float(size * size) }

let rasterizer = SplatRasterizer(threadCount: threads)
rasterizer.rendersDepth = false // as training renders
var total = StageSeconds(), totalCPU = StageSeconds()
var best = Double.infinity, bestBlend = Double.infinity
var checksum: Float = 0
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
var cpu = 0.0
var image = RenderedImage(width: 0, height: 0, color: [], alpha: [], depth: [])
var grads = SplatGradients(parameters: .zeros(like: cloud), mean2dGradientNorms: [])
for iteration in 0...iterations { // iteration 0 warms the buffers up and is not counted
    let start = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuSeconds()
    try rasterizer.render(cloud, camera: camera, into: &image)
    try rasterizer.backward(dColor: dColor, dAlpha: nil, dDepth: nil, into: &grads)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    checksum += image.color[image.color.count / 2] + grads.parameters.means[0]
    guard iteration > 0 else { continue }
    cpu += cpuSeconds() - cpuStart
    total.add(rasterizer.stageSeconds)
    totalCPU.add(rasterizer.stageCPUSeconds)
    best = min(best, seconds)
    bestBlend = min(bestBlend, rasterizer.stageSeconds.blend)
}
// The blend loop alone, the lower bound of the ratio: the same renders without the bookkeeping
// they keep for the backward (preparesBackward off).
rasterizer.preparesBackward = false
var renderBlend = 0.0, renderBlendCPU = 0.0
for iteration in 0...iterations {
    try rasterizer.render(cloud, camera: camera, into: &image)
    guard iteration > 0 else { continue }
    renderBlend += rasterizer.stageSeconds.blend
    renderBlendCPU += rasterizer.stageCPUSeconds.blend
}
// The other two pieces of a training step: the loss with its gradient, and Adam over every parameter.
let loss = ImageLoss(threadCount: threads)
let target = (0..<3 * size * size).map { _ in rng.uniform(0, 1) }
var lossGradient = [Float](repeating: 0, count: 3 * size * size)
var adam = SplatAdam(like: cloud)
var lossSeconds = 0.0, adamSeconds = 0.0, lossCPU = 0.0, adamCPU = 0.0
for iteration in 0...iterations {
    let t0 = cpuSeconds(), w0 = DispatchTime.now().uptimeNanoseconds
    _ = try lossGradient.withUnsafeMutableBufferPointer { g in
        try loss.evaluate(rendered: image.color, target: target, width: size, height: size, gradient: g)
    }
    let t1 = cpuSeconds(), w1 = DispatchTime.now().uptimeNanoseconds
    try adam.apply(grads.parameters, to: &cloud, rates: SplatLearningRates(), threads: threads)
    let t2 = cpuSeconds(), w2 = DispatchTime.now().uptimeNanoseconds
    guard iteration > 0 else { continue }
    lossSeconds += threads == 1 ? t1 - t0 : Double(w1 - w0) / 1e9
    adamSeconds += threads == 1 ? t2 - t1 : Double(w2 - w1) / 1e9
    lossCPU += t1 - t0
    adamCPU += t2 - t1
}
let n = Double(iterations)
let mean = total.total / n
let step = mean + (lossSeconds + adamSeconds) / n
let stepCPU = (cpu + lossCPU + adamCPU) / n
func ms(_ key: String, _ seconds: Double) { print(String(format: "\(key) %.2f", seconds / n * 1000)) }
print("splats \(splats)")
print("size \(size)x\(size)")
print("threads \(threads)")
print("entries \(rasterizer.lastEntryCount)")
print(String(format: "load_average %.2f", loadAverage()))
// Stage times (ms_*) are CPU times of the working thread with one thread, wall times otherwise;
// cpu_ms_* are CPU times of all threads (getrusage-like), robust to other load on the machine.
print(String(format: "iterations_per_second %.2f", 1 / mean))
print(String(format: "cpu_ms_per_iteration %.2f", cpu / n * 1000))
print(String(format: "best_iterations_per_second %.2f", 1 / best))
print(String(format: "step_iterations_per_second %.2f", 1 / step))
print(String(format: "cpu_ms_step %.2f", stepCPU * 1000))
// What an otherwise idle machine gives when the threads split the CPU time evenly.
print(String(format: "step_iterations_per_second_from_cpu %.2f", Double(threads) / stepCPU))
for (key, wall, cpuTime) in [("project", total.project, totalCPU.project), ("sort", total.sort, totalCPU.sort),
                             ("blend", total.blend, totalCPU.blend), ("blend_backward", total.blendBackward, totalCPU.blendBackward),
                             ("gather", total.gather, totalCPU.gather), ("project_backward", total.projectBackward, totalCPU.projectBackward),
                             ("loss", lossSeconds, lossCPU), ("adam", adamSeconds, adamCPU)] {
    ms("ms_\(key)", wall)
    ms("cpu_ms_\(key)", cpuTime)
}
print(String(format: "ms_best_blend %.2f", bestBlend * 1000))
ms("ms_blend_render", renderBlend)
ms("cpu_ms_blend_render", renderBlendCPU)
print(String(format: "ratio_to_blend %.2f", mean / (renderBlend / n)))
print(String(format: "cpu_ratio_to_blend %.2f", totalCPU.total / renderBlendCPU))
print("checksum \(checksum)")

/// The 1-minute load average (other processes competing for the cores).
func loadAverage() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
          let first = text.split(separator: " ").first, let value = Double(first) else { return -1 }
    return value
}
