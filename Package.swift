// swift-tools-version:6.0
// vid2world: one image or a phone video in, a 3D / 4D Gaussian-splat scene out.
// Targets follow the data flow: Media / Geometry → Render, Estimate, Splats → Export → Pipeline → CLI.
import PackageDescription

// Hot C loops are built optimised even in debug builds: the tests run them on real sizes.
let optimize: [CSetting] = [.unsafeFlags(["-O3", "-ffp-contract=fast"]),
                            .unsafeFlags(["-march=x86-64-v3"], .when(platforms: [.linux]))]

let package = Package(
    name: "vid2world",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vid2world", targets: ["vid2world"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries: a module map and one shim header each, found by pkg-config.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),

        // Progress events and Ctrl-C handling shared by every stage.
        .target(name: "Reporting"),
        // Cameras, poses, distortion, orbits, Sim(3), camera files.
        .target(name: "Geometry"),
        // C helpers for Media: libpng reports errors by longjmp, which Swift cannot catch, and
        // per-frame pixel loops must run at memory speed.
        .target(name: "CMediaSupport", dependencies: ["CPNG"], cSettings: optimize),
        .target(name: "Media", dependencies: ["CFFmpeg", "CMediaSupport", "Reporting"]),

        // C++ behind a C header: OBJ loading through tinyobjloader (Debian libtinyobjloader-dev).
        .target(name: "CGeometry", linkerSettings: [.linkedLibrary("tinyobjloader")]),
        // The rasterizer's inner loops.
        .target(name: "CRender", cSettings: optimize),
        // Scene recipes and the software renderer: ground truth for tests, benchmarks, training data.
        .target(name: "Render", dependencies: [
            "Geometry", "CGeometry", "CRender", "Media", "Reporting",
            .product(name: "Yams", package: "Yams"),
        ]),

        // SIFT-style feature kernels (blur, extrema, orientation, descriptors) over row / keypoint ranges.
        .target(name: "CFeatures", cSettings: optimize),
        // Dense per-pixel kernels of the estimate stage: plane-sweep stereo, depth consistency,
        // bilinear remapping (undistortion). sqrtf without errno, so the ZNCC loop vectorises.
        .target(name: "CDense", cSettings: optimize + [.unsafeFlags(["-fno-math-errno"])]),
        // Bundle adjustment (Levenberg–Marquardt, Schur complement, robust loss) with Eigen, C++
        // behind a C header. AVX2/FMA like the C kernels: the Schur tiles are 4-wide multiply-adds.
        .target(name: "CSolvers", cxxSettings: [.unsafeFlags(["-I/usr/include/eigen3", "-O3", "-DNDEBUG", "-ffp-contract=fast"]),
                                                .unsafeFlags(["-march=x86-64-v3"], .when(platforms: [.linux]))]),
        // Structure from motion: features, matching, minimal solvers, RANSAC, incremental mapping, BA.
        // Optimised even in debug builds: the tests run thousands of RANSAC iterations of the
        // minimal solvers, whose small-matrix code is ~50× slower unoptimised.
        .target(name: "Estimate", dependencies: ["Geometry", "Media", "CBLAS", "CFeatures", "CDense", "CSolvers", "Reporting"],
                swiftSettings: [.unsafeFlags(["-O"])]),

        // Gaussian splatting: C kernels (project, bin/sort, rasterize, backward, Adam, losses) and
        // their slow double-precision references; the Swift module runs them on all cores.
        // -fno-math-errno: sqrtf and ceilf inside the projection's lane loops vectorise only
        // when they need not set errno.
        // e^x as vectorisable straight-line code, for the splat and the DiT kernels.
        .target(name: "CFastMath", cSettings: optimize),
        .target(name: "CSplat", dependencies: ["CFastMath"], cSettings: optimize + [.unsafeFlags(["-fno-math-errno"])]),
        .target(name: "Splats", dependencies: ["CSplat", "Geometry"]),
        // Scene files other tools open: the 3DGS PLY (more formats to come).
        .target(name: "Export", dependencies: ["Splats"]),

        // The image-to-orbit diffusion transformer: C kernels for what BLAS does not cover (norms,
        // softmax, activations, modulation), the model, the safetensors reader and the sampler.
        .target(name: "CTensor", dependencies: ["CFastMath"], cSettings: optimize),
        .target(name: "Generate", dependencies: ["CBLAS", "CTensor", "Media", "Geometry", "Reporting"],
                resources: [.copy("Resources/orbit-dit")]),

        // The jobs the CLI runs, wiring the stages together.
        .target(name: "Pipeline", dependencies: ["Media", "Geometry", "Reporting", "Estimate", "Splats", "Export", "Generate"]),
        .executableTarget(name: "vid2world", dependencies: [
            "Pipeline", "Media", "Geometry", "Reporting", "Render", "Splats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Figures for the Tools/bench scripts; not part of the product.
        .executableTarget(name: "benchmarks", dependencies: ["Media", "Geometry", "Reporting", "Render"]),
        .executableTarget(name: "splat-benchmarks", dependencies: ["Splats", "Geometry"]),
        .executableTarget(name: "fit-benchmarks", dependencies: ["Pipeline", "Splats", "Export"]),
        .executableTarget(name: "estimate-bench", dependencies: ["Estimate", "Geometry", "Media"]),
        .executableTarget(name: "generate-benchmark", dependencies: ["Generate", "Media"]),

        .testTarget(name: "MediaTests", dependencies: ["Media"], exclude: ["Fixtures"]),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Geometry", "Media"]),
        .testTarget(name: "EstimateTests", dependencies: ["Estimate", "CSolvers", "Geometry", "Media", "Reporting", "Render"], exclude: ["Fixtures"]),
        .testTarget(name: "GenerateTests", dependencies: ["Generate", "Media", "Geometry", "CFastMath"], exclude: ["Fixtures"]),
        .testTarget(name: "SplatsTests", dependencies: ["Splats", "CSplat"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Splats"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Media", "Reporting", "Render", "Splats", "Export", "Geometry", "Estimate", "Generate"]),
    ],
    swiftLanguageModes: [.v5]
)
