import CSplat
import Foundation

/// Renders a `GaussianCloud` through a `SplatCamera` with the CSplat kernels on all cores, and
/// runs the exact backward of the last render. Owns every scratch buffer, reused across calls.
/// Results do not depend on `threadCount`: every kernel writes disjoint outputs and partial
/// gradients are summed in a fixed order.
public final class SplatRasterizer {
    /// Cores to use.
    public var threadCount: Int
    public var blendOptions: BlendOptions
    /// Background colour (RGB) seen through transparent pixels; nil is black.
    public var background: [Float]?
    /// Whether renders fill `RenderedImage.depth`; without it (training needs no depth) the
    /// blend loop skips the depth sums and `depth` is left empty.
    public var rendersDepth = true
    /// Whether renders keep what `backward` needs of them beyond the per-pixel state: the rows of
    /// its tile where each splat contributed (csplat_raster_output.entry_rows), which spares the
    /// backward every row it would visit for nothing. A render that will not be differentiated
    /// (a preview, a metric) can skip that bookkeeping; `backward` then refuses it.
    public var preparesBackward = true

    // Per splat.
    private let means2d = ScratchBuffer<Float>(), conics = ScratchBuffer<Float>()
    private let depths = ScratchBuffer<Float>(), opacities = ScratchBuffer<Float>()
    private let colors = ScratchBuffer<Float>(), radii = ScratchBuffer<Int32>()
    private let tileRects = ScratchBuffer<Int32>(), tilesTouched = ScratchBuffer<UInt32>()
    private let clamped = ScratchBuffer<UInt8>(), offsets = ScratchBuffer<UInt32>()
    private let colorJacobians = ScratchBuffer<Float>()
    private let splatGrads = ScratchBuffer<Float>(), blendSplats = ScratchBuffer<csplat_blend_splat>()
    // Per (tile, splat) entry, and per tile.
    private let binning = TileBinning()
    private let entryGrads = ScratchBuffer<Float>(), tileStops = ScratchBuffer<UInt32>()
    // Per pixel.
    private let finalTransmittance = ScratchBuffer<Float>(), lastEntries = ScratchBuffer<UInt32>()
    // Per entry: the rows of its tile the splat reached (csplat_raster_output.entry_rows).
    private let entryRows = ScratchBuffer<UInt32>()

    /// Splats per slice of the per-splat kernels that run one after another (a multiple of
    /// their blocks of 32): what the first writes is still in the L1/L2 cache for the next.
    static let cacheSlice = 1024

    /// Seconds spent in each stage by the last render and backward (for benchmarks).
    public private(set) var stageSeconds = StageSeconds()
    /// CPU seconds of every thread of the process in each stage of the last render and backward
    /// (getrusage-like: robust to other load on the machine; on several cores, their sum).
    public private(set) var stageCPUSeconds = StageSeconds()

    /// What the last render saw, including the blending settings its backward must reuse. The
    /// cloud is kept only until its backward: holding on to its arrays longer would make the
    /// optimiser's in-place update copy them.
    private var last: (cloud: GaussianCloud?, camera: SplatCamera, degree: Int, count: Int, entries: Int,
                       options: BlendOptions, background: [Float]?, preparedBackward: Bool)?

    public init(threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                blendOptions: BlendOptions = BlendOptions(), background: [Float]? = nil) {
        self.threadCount = max(1, threadCount)
        self.blendOptions = blendOptions
        self.background = background
    }

    /// Splat radii in pixels of the last render (0 = culled): the screen size used by pruning.
    public var lastRadii: [Int32] {
        guard let n = last?.count else { return [] }
        return Array(UnsafeBufferPointer(start: radii.pointer, count: n))
    }

    /// Number of (tile, splat) pairs of the last render.
    public var lastEntryCount: Int { last?.entries ?? 0 }

    /// Renders the cloud, evaluating SH up to `shDegree` (default: the cloud's stored degree).
    public func render(_ cloud: GaussianCloud, camera: SplatCamera, shDegree: Int? = nil) throws -> RenderedImage {
        var image = RenderedImage(width: 0, height: 0, color: [], alpha: [], depth: [])
        try render(cloud, camera: camera, shDegree: shDegree, into: &image)
        return image
    }

    /// As `render(_:camera:shDegree:)`, writing into `image` and reusing its arrays when their
    /// sizes already fit (what a training loop wants: no allocation per step).
    public func render(_ cloud: GaussianCloud, camera: SplatCamera, shDegree: Int? = nil,
                       into image: inout RenderedImage) throws {
        try cloud.validateLayout()
        try camera.validate()
        try blendOptions.validate()
        let degree = shDegree ?? cloud.shDegree
        guard (0...cloud.shDegree).contains(degree) else {
            throw SplatsError.badCloud(field: "shDegree", reason: "evaluated degree \(degree) is above the stored \(cloud.shDegree)")
        }
        if let bg = background, bg.count != 3 || !bg.allSatisfy(\.isFinite) {
            throw SplatsError.badImage(field: "background", reason: "needs 3 finite floats")
        }
        last = nil
        var clock = StageClock(threadTime: threadCount == 1), cpuClock = StageClock(clock: CLOCK_PROCESS_CPUTIME_ID)
        let n = cloud.count, pixels = camera.width * camera.height
        reserveSplatBuffers(n)
        var cam = camera.kernelCamera
        var projected = projectedView()
        let threads = threadCount

        let options = kernelOptions(blendOptions)
        withGaussians(cloud, degree: degree) { gaussians in
            forEachRange(n, threads: threads) { b, e in
                // Slice by slice, so that what one kernel writes is still in cache for the next.
                for s in stride(from: b, to: e, by: Self.cacheSlice) {
                    let t = Int32(min(e, s + Self.cacheSlice))
                    csplat_project(gaussians, &cam, &projected, Int32(s), t)
                    csplat_prepare_blend(&projected, options, blendSplats.pointer, Int32(s), t)
                    csplat_trim_tile_rects(&projected, blendSplats.pointer, Int32(s), t)
                }
            }
        }

        stageSeconds.project = clock.lap()
        stageCPUSeconds.project = cpuClock.lap()
        // Bin and sort.
        let total = csplat_prefix_sum(tilesTouched.pointer, offsets.pointer, Int32(n))
        guard total < UInt64(Int32.max) else {
            throw SplatsError.badCloud(field: "count", reason: "\(total) tile entries do not fit 31-bit indices")
        }
        let entries = Int(total)
        entryGrads.reserve(entries * Int(CSPLAT_GRAD_STRIDE))
        let tilesX = csplat_tiles_x(Int32(camera.width)), tilesY = csplat_tiles_y(Int32(camera.height))
        let tileCount = Int(tilesX * tilesY)
        binning.bin(&projected, offsets: offsets.pointer, count: n, entries: entries, tilesX: tilesX,
                    tileCount: tileCount, threads: threads)
        tileStops.reserve(tileCount)

        stageSeconds.sort = clock.lap()
        stageCPUSeconds.sort = cpuClock.lap()
        // Blend.
        image.width = camera.width
        image.height = camera.height
        if image.color.count != 3 * pixels { image.color = [Float](repeating: 0, count: 3 * pixels) }
        if image.alpha.count != pixels { image.alpha = [Float](repeating: 0, count: pixels) }
        let depthCount = rendersDepth ? pixels : 0
        if image.depth.count != depthCount { image.depth = [Float](repeating: 0, count: depthCount) }
        finalTransmittance.reserve(pixels)
        lastEntries.reserve(pixels)
        entryRows.reserve(entries)
        withRasterInput(camera, blendOptions, background) { input in
            image.color.withUnsafeMutableBufferPointer { color in
                image.alpha.withUnsafeMutableBufferPointer { alpha in
                    image.depth.withUnsafeMutableBufferPointer { depth in
                        var output = csplat_raster_output(color: color.baseAddress, alpha: alpha.baseAddress,
                                                          depth: depthCount > 0 ? depth.baseAddress : nil,
                                                          final_transmittance: finalTransmittance.pointer,
                                                          last_entries: lastEntries.pointer,
                                                          entry_rows: preparesBackward ? entryRows.pointer : nil)
                        forEachRange(tileCount, threads: threads) { b, e in
                            csplat_rasterize_forward(input, &output, Int32(b), Int32(e))
                        }
                    }
                }
            }
        }
        stageSeconds.blend = clock.lap()
        stageCPUSeconds.blend = cpuClock.lap()
        last = (cloud, camera, degree, n, entries, blendOptions, background, preparesBackward)
    }

    /// Gradients of a loss with respect to every splat parameter, given the loss gradients with
    /// respect to the last render's colour (width × height × 3) and optionally its alpha and
    /// depth (width × height each). One backward per render.
    public func backward(dColor: [Float], dAlpha: [Float]? = nil, dDepth: [Float]? = nil) throws -> SplatGradients {
        guard let cloud = last?.cloud else {
            throw SplatsError.noForwardPass(reason: "call render before each backward")
        }
        var gradients = SplatGradients(parameters: .zeros(like: cloud), mean2dGradientNorms: [])
        try backward(dColor: dColor, dAlpha: dAlpha, dDepth: dDepth, into: &gradients)
        return gradients
    }

    /// As `backward(dColor:dAlpha:dDepth:)`, writing into `gradients` and reusing its storage
    /// when its layout already fits (what a training loop wants: no allocation per step).
    public func backward(dColor: [Float], dAlpha: [Float]?, dDepth: [Float]?, into gradients: inout SplatGradients) throws {
        guard let (lastCloud, camera, degree, _, _, options, background, prepared) = last, let cloud = lastCloud else {
            throw SplatsError.noForwardPass(reason: "call render before each backward")
        }
        guard prepared else {
            throw SplatsError.noForwardPass(reason: "the last render did not prepare a backward (preparesBackward was false)")
        }
        let n = cloud.count, pixels = camera.width * camera.height
        guard dColor.count == 3 * pixels else {
            throw SplatsError.badImage(field: "dColor", reason: "holds \(dColor.count) floats, expected \(3 * pixels)")
        }
        if let d = dAlpha, d.count != pixels {
            throw SplatsError.badImage(field: "dAlpha", reason: "holds \(d.count) floats, expected \(pixels)")
        }
        if let d = dDepth, d.count != pixels {
            throw SplatsError.badImage(field: "dDepth", reason: "holds \(d.count) floats, expected \(pixels)")
        }
        let threads = threadCount
        var clock = StageClock(threadTime: threadCount == 1), cpuClock = StageClock(clock: CLOCK_PROCESS_CPUTIME_ID)
        let tileCount = Int(csplat_tiles_x(Int32(camera.width)) * csplat_tiles_y(Int32(camera.height)))
        withRasterInput(camera, options, background) { input in
            var forward = csplat_raster_output(color: nil, alpha: nil, depth: nil,
                                               final_transmittance: finalTransmittance.pointer,
                                               last_entries: lastEntries.pointer, entry_rows: entryRows.pointer)
            dColor.withUnsafeBufferPointer { dc in
                withOptionalPointer(dAlpha) { da in
                    withOptionalPointer(dDepth) { dd in
                        forEachRange(tileCount, threads: threads) { b, e in
                            csplat_rasterize_backward(input, &forward, dc.baseAddress, da, dd, binning.entryIndices.pointer,
                                                      entryGrads.pointer, tileStops.pointer, Int32(b), Int32(e))
                        }
                    }
                }
            }
        }
        stageSeconds.blendBackward = clock.lap()
        stageCPUSeconds.blendBackward = cpuClock.lap()
        if gradients.parameters.count != n || gradients.parameters.shDegree != cloud.shDegree {
            gradients.parameters = .zeros(like: cloud)
        }
        if gradients.mean2dGradientNorms.count != n {
            gradients.mean2dGradientNorms = [Float](repeating: 0, count: n)
        }
        let tilesX = csplat_tiles_x(Int32(camera.width))
        var projectedSplats = projectedView()
        gradients.mean2dGradientNorms.withUnsafeMutableBufferPointer { normPointer in
            for i in normPointer.indices { normPointer[i] = 0 }
            forEachRange(n, threads: threads) { b, e in
                csplat_gather_gradients(&projectedSplats, tilesX, offsets.pointer, binning.entryPositions.pointer,
                                        tileStops.pointer, entryGrads.pointer, splatGrads.pointer,
                                        normPointer.baseAddress, nil, Int32(b), Int32(e))
            }
        }

        stageSeconds.gather = clock.lap()
        stageCPUSeconds.gather = cpuClock.lap()
        var cam = camera.kernelCamera
        var projected = projectedView()
        withGaussians(cloud, degree: degree) { gaussians in
            gradients.parameters.means.withUnsafeMutableBufferPointer { gm in
                gradients.parameters.logScales.withUnsafeMutableBufferPointer { gs in
                    gradients.parameters.rotations.withUnsafeMutableBufferPointer { gr in
                        gradients.parameters.opacityLogits.withUnsafeMutableBufferPointer { go in
                            gradients.parameters.sh.withUnsafeMutableBufferPointer { gh in
                                var out = csplat_gaussian_grads(means: gm.baseAddress, log_scales: gs.baseAddress,
                                                                rotations: gr.baseAddress, opacity_logits: go.baseAddress,
                                                                sh: gh.baseAddress)
                                forEachRange(n, threads: threads) { b, e in
                                    csplat_project_backward(gaussians, &cam, &projected, splatGrads.pointer,
                                                            &out, Int32(b), Int32(e))
                                }
                            }
                        }
                    }
                }
            }
        }
        stageSeconds.projectBackward = clock.lap()
        stageCPUSeconds.projectBackward = cpuClock.lap()
        last?.cloud = nil
    }

    // MARK: - Plumbing

    private func reserveSplatBuffers(_ n: Int) {
        means2d.reserve(2 * n)
        conics.reserve(3 * n)
        depths.reserve(n)
        opacities.reserve(n)
        colors.reserve(3 * n)
        radii.reserve(n)
        tileRects.reserve(4 * n)
        tilesTouched.reserve(n)
        clamped.reserve(3 * n)
        colorJacobians.reserve(9 * n)
        offsets.reserve(n + 1)
        splatGrads.reserve(n * Int(CSPLAT_GRAD_STRIDE))
        blendSplats.reserve(n)
    }

    private func kernelOptions(_ o: BlendOptions) -> csplat_blend_options {
        csplat_blend_options(alpha_min: o.alphaMin, alpha_max: o.alphaMax, transmittance_min: o.transmittanceMin)
    }

    private func projectedView() -> csplat_projected {
        csplat_projected(means2d: means2d.pointer, conics: conics.pointer, depths: depths.pointer,
                         opacities: opacities.pointer, colors: colors.pointer, radii: radii.pointer,
                         tile_rects: tileRects.pointer, tiles_touched: tilesTouched.pointer,
                         clamped: clamped.pointer, color_jacobians: colorJacobians.pointer)
    }

    private func withRasterInput(_ camera: SplatCamera, _ blend: BlendOptions, _ background: [Float]?,
                                 _ body: (UnsafePointer<csplat_raster_input>) -> Void) {
        let options = kernelOptions(blend)
        withOptionalPointer(background) { bg in
            var input = csplat_raster_input(splats: blendSplats.pointer, sorted_splats: binning.sortedSplats.pointer,
                                            tile_ranges: binning.tileRanges.pointer, width: Int32(camera.width),
                                            height: Int32(camera.height), background: bg, options: options)
            body(&input)
        }
    }

    private func withGaussians(_ cloud: GaussianCloud, degree: Int, _ body: (UnsafePointer<csplat_gaussians>) -> Void) {
        cloud.means.withUnsafeBufferPointer { m in
            cloud.logScales.withUnsafeBufferPointer { s in
                cloud.rotations.withUnsafeBufferPointer { r in
                    cloud.opacityLogits.withUnsafeBufferPointer { o in
                        cloud.sh.withUnsafeBufferPointer { h in
                            var g = csplat_gaussians(means: m.baseAddress, log_scales: s.baseAddress,
                                                     rotations: r.baseAddress, opacity_logits: o.baseAddress,
                                                     sh: h.baseAddress, sh_stride: Int32(cloud.shCoefficients),
                                                     sh_degree: Int32(degree), count: Int32(cloud.count))
                            body(&g)
                        }
                    }
                }
            }
        }
    }
}

/// Passes the array's base address, or nil for a nil array.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Seconds of the rasterizer's stages: wall-clock time, or with one thread the CPU time of the
/// calling thread (which then runs every kernel), so that other load on the machine does not
/// count.
public struct StageSeconds: Equatable {
    public var project = 0.0, sort = 0.0, blend = 0.0
    public var blendBackward = 0.0, gather = 0.0, projectBackward = 0.0
    public init() {}
    /// Adds another measurement stage by stage.
    public mutating func add(_ other: StageSeconds) {
        project += other.project; sort += other.sort; blend += other.blend
        blendBackward += other.blendBackward; gather += other.gather; projectBackward += other.projectBackward
    }

    /// All stages.
    public var total: Double {
        let forward: Double = project + sort + blend
        let backward: Double = blendBackward + gather + projectBackward
        return forward + backward
    }
}

struct StageClock {
    private let clock: clockid_t
    private var start: Double

    init(threadTime: Bool) {
        self.init(clock: threadTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC)
    }

    init(clock: clockid_t) {
        self.clock = clock
        start = 0
        start = now()
    }

    private func now() -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    mutating func lap() -> Double {
        let t = now()
        defer { start = t }
        return t - start
    }
}
