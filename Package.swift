// swift-tools-version:6.0
// vid2world: one image or a phone video in, a 3D / 4D Gaussian-splat scene out.
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

        // C helpers for Media: libpng reports errors by longjmp, which Swift cannot catch, and
        // per-frame pixel loops must run at memory speed.
        .target(name: "CMediaSupport", dependencies: ["CPNG"], cSettings: optimize),

        // Progress events and Ctrl-C handling shared by every stage.
        .target(name: "Reporting"),
        .target(name: "Geometry"),
        .target(name: "Media", dependencies: ["CFFmpeg", "CMediaSupport", "Reporting"]),
        .target(name: "Pipeline", dependencies: ["Media", "Geometry", "Reporting"]),

        // C++ behind a C header: OBJ loading through tinyobjloader (Debian libtinyobjloader-dev).
        .target(name: "CGeometry", linkerSettings: [.linkedLibrary("tinyobjloader")]),
        // The rasterizer's inner loops.
        .target(name: "CRender", cSettings: optimize),
        // Scene recipes and the software renderer: ground truth for tests, benchmarks, training data.
        .target(name: "Render", dependencies: [
            "Geometry", "CGeometry", "CRender", "Media", "Reporting",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Figures for Tools/bench/render.
        .executableTarget(name: "render-benchmark", dependencies: ["Render", "Geometry"]),
        // The DiT's non-matrix kernels (norms, softmax, activations, embeddings, patches).
        .target(name: "CTensor", cSettings: optimize),
        // Image → orbit diffusion transformer: safetensors reader, model, sampler.
        .target(name: "Generate", dependencies: ["CBLAS", "CTensor", "Media", "Geometry", "Reporting"]),
        // Figures for Tools/bench/generate-speed.
        .executableTarget(name: "generate-benchmark", dependencies: ["Generate", "Media"]),
        .executableTarget(name: "vid2world", dependencies: [
            "Pipeline", "Media", "Geometry", "Reporting", "Render",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Figures for the Tools/bench scripts; not part of the product.
        .executableTarget(name: "benchmarks", dependencies: ["Media", "Geometry", "Reporting"]),

        .testTarget(name: "MediaTests", dependencies: ["Media"], exclude: ["Fixtures"]),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "GenerateTests", dependencies: ["Generate", "Media", "Geometry"], exclude: ["Fixtures"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Geometry", "Media"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Media", "Reporting"]),
    ],
    swiftLanguageModes: [.v5]
)
