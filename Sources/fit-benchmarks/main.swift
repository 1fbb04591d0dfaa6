// Figures for Tools/bench/fit: training speed at a fitted scene's splats, as `key value` lines.
// Not part of the product.
//   fit-benchmarks --data DIR --ply SCENE.ply [--splats N] [--threads T] [--iterations I]
//   fit-benchmarks --data DIR --ply SCENE.ply --evaluate
// Loads the fit's images and cameras, the fitted splats (resampled to N splats when given:
// every k-th, or repeated, so the footprint stays that of the fitted scene), and times
// (1) whole training steps (render, loss, backward, Adam; no densification) and
// (2) forward + backward of the rasterizer alone on the same views, and (3) the time of the
// blend loop alone in renders that prepare no backward (the lower bound the fit goal "within 3×
// of the blend loop" refers to; ms_blend is the blend of the renders that do).
// Wall times and CPU times (cpu_*: all threads) are both printed: on a shared machine the CPU
// time of a one-thread run is what an idle core would take.
// --evaluate instead prints the held-out PSNR/SSIM of the PLY (every 8th view, over white, as
// `vid2world fit` reports them): how another tool's result (OpenSplat's) is measured.
import Export
import Foundation
import Pipeline
import Splats

func option(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds of all threads of the process: on a shared machine, with one thread, what an idle
/// core would take; with two, the sum over both cores.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

do {
    guard let dataPath = option("--data"), let plyPath = option("--ply") else {
        FileHandle.standardError.write("usage: fit-benchmarks --data DIR --ply SCENE.ply [--splats N] [--threads T] [--iterations I]\n".data(using: .utf8)!)
        exit(2)
    }
    let threads = Int(option("--threads") ?? "") ?? 2
    let iterations = Int(option("--iterations") ?? "") ?? 50
    let data = try FitData.load(URL(fileURLWithPath: dataPath))
    var cloud = try PLYFile.read(URL(fileURLWithPath: plyPath))
    if let n = Int(option("--splats") ?? ""), n > 0, n != cloud.count {
        let count = cloud.count
        cloud = try cloud.selecting((0..<n).map { $0 * count / n })
    }
    let split = FitJob.split(count: data.views.count, every: 8)
    if CommandLine.arguments.contains("--evaluate") {
        let white: [Float] = [1, 1, 1]
        let rasterizer = SplatRasterizer(threadCount: threads, background: white)
        rasterizer.preparesBackward = false
        let loss = ImageLoss(threadCount: threads)
        var psnr = 0.0, ssim = 0.0
        for index in split.test {
            let view = data.views[index]
            var target: [Float] = [], weights: [Float]? = nil
            view.target(background: white, maskMode: .exclude, into: &target, weights: &weights)
            let image = try rasterizer.render(cloud, camera: view.camera)
            let m = try ImageMetrics.measure(rendered: image.color, target: target, width: view.width, height: view.height,
                                             weights: weights, loss: loss)
            psnr += m.psnr / Double(split.test.count)
            ssim += m.ssim / Double(split.test.count)
        }
        print("splats \(cloud.count)")
        print("held_out_views \(split.test.count)")
        print(String(format: "held_out_psnr %.3f", psnr))
        print(String(format: "held_out_ssim %.4f", ssim))
        exit(0)
    }
    let views = split.train.map { data.views[$0] }

    // (1) Training steps at a fixed splat count: no densification, every SH degree on.
    var settings = TrainerSettings()
    settings.iterations = 7000
    settings.shDegree = cloud.shDegree
    settings.shDegreeInterval = 1
    settings.threads = threads
    settings.maxSplats = cloud.count
    var adc = AdaptiveDensityControl.Settings()
    adc.start = Int.max
    adc.opacityResetEvery = 0
    let trainer = try Trainer(views: views, initialCloud: cloud, settings: settings,
                              strategy: try AdaptiveDensityControl(settings: adc))
    for _ in 0..<5 { try trainer.step() } // warm up buffers, reach the top SH degree
    var start = now(), cpuStart = cpuSeconds()
    for _ in 0..<iterations { try trainer.step() }
    let stepSeconds = (now() - start) / Double(iterations)
    let stepCPU = (cpuSeconds() - cpuStart) / Double(iterations)

    // (2) Forward + backward alone, and the blend loop, over the same views.
    let rasterizer = SplatRasterizer(threadCount: threads, background: [1, 1, 1])
    rasterizer.rendersDepth = false // as training renders
    var image = RenderedImage(width: 0, height: 0, color: [], alpha: [], depth: [])
    var gradients = SplatGradients(parameters: .zeros(like: cloud), mean2dGradientNorms: [])
    let pixels = views[0].width * views[0].height
    let dColor = (0..<3 * pixels).map { Float(($0 * 7919) % 201 - 100) / 100 / Float(pixels) }
    var blend = 0.0, bestBlend = Double.infinity, entries = 0
    var stageCPU = StageSeconds(), visible = 0.0
    start = now()
    cpuStart = cpuSeconds()
    for k in 0..<iterations {
        try rasterizer.render(cloud, camera: views[k % views.count].camera, into: &image)
        try rasterizer.backward(dColor: dColor, dAlpha: nil, dDepth: nil, into: &gradients)
        blend += rasterizer.stageSeconds.blend
        stageCPU.add(rasterizer.stageCPUSeconds)
        visible += Double(rasterizer.lastRadii.lazy.filter { $0 > 0 }.count) / Double(cloud.count)
        bestBlend = min(bestBlend, rasterizer.stageSeconds.blend)
        entries += rasterizer.lastEntryCount
    }
    let forwardBackward = (now() - start) / Double(iterations)
    let forwardBackwardCPU = (cpuSeconds() - cpuStart) / Double(iterations)
    // (3) The same renders without what the backward needs of them (preparesBackward off): the
    // blend loop alone, the lower bound itself.
    rasterizer.preparesBackward = false
    var renderBlend = 0.0, renderBlendCPU = 0.0
    for k in 0..<iterations {
        try rasterizer.render(cloud, camera: views[k % views.count].camera, into: &image)
        renderBlend += rasterizer.stageSeconds.blend
        renderBlendCPU += rasterizer.stageCPUSeconds.blend
    }
    print("splats \(cloud.count)")
    print("size \(views[0].width)x\(views[0].height)")
    print("threads \(threads)")
    print("entries \(entries / iterations)")
    // Share of the splats inside a view: what visible Adam (--visible-adam) would step.
    print(String(format: "visible_fraction %.3f", visible / Double(iterations)))
    if let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
        print("load_average \(text.split(separator: " ").first ?? "?")")
    }
    print(String(format: "iterations_per_second %.2f", 1 / stepSeconds))
    print(String(format: "ms_step %.2f", stepSeconds * 1000))
    print(String(format: "cpu_ms_step %.2f", stepCPU * 1000))
    // What an otherwise idle machine gives when the threads split the CPU time evenly.
    print(String(format: "iterations_per_second_from_cpu %.2f", Double(threads) / stepCPU))
    print(String(format: "ms_forward_backward %.2f", forwardBackward * 1000))
    print(String(format: "cpu_ms_forward_backward %.2f", forwardBackwardCPU * 1000))
    print(String(format: "ms_blend %.2f", blend / Double(iterations) * 1000))
    print(String(format: "ms_best_blend %.2f", bestBlend * 1000))
    let n = Double(iterations)
    print(String(format: "ms_blend_render %.2f", renderBlend / n * 1000))
    print(String(format: "cpu_ms_blend_render %.2f", renderBlendCPU / n * 1000))
    for (key, seconds) in [("project", stageCPU.project), ("sort", stageCPU.sort), ("blend", stageCPU.blend),
                           ("blend_backward", stageCPU.blendBackward), ("gather", stageCPU.gather),
                           ("project_backward", stageCPU.projectBackward)] {
        print(String(format: "cpu_ms_\(key) %.2f", seconds / n * 1000))
    }
    // The CPU time of the rasterizer's forward + backward over that of the blend loop alone
    // (a render that prepares no backward: the lower bound).
    print(String(format: "cpu_ratio_to_blend %.2f", stageCPU.total / renderBlendCPU))
    // With one thread the blend stage is timed in CPU time (StageSeconds): compare like with like.
    let fb = threads == 1 ? forwardBackwardCPU : forwardBackward
    print(String(format: "ratio_to_blend %.2f", fb / (renderBlend / n)))
} catch {
    FileHandle.standardError.write("fit-benchmarks: \(error)\n".data(using: .utf8)!)
    exit(1)
}
