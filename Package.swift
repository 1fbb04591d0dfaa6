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
        // SIFT-style feature kernels (blur, extrema, orientation, descriptors) over row / keypoint ranges.
        .target(name: "CFeatures", cSettings: optimize),
        // Structure from motion: features, matching, minimal solvers, RANSAC.
        // Optimised even in debug builds: the tests run thousands of RANSAC iterations of the
        // minimal solvers, whose small-matrix code is ~50× slower unoptimised.
        .target(name: "Estimate", dependencies: ["Geometry", "Media", "CBLAS", "CFeatures", "Reporting"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Pipeline", dependencies: ["Media", "Geometry", "Reporting"]),
        .executableTarget(name: "vid2world", dependencies: [
            "Pipeline", "Media", "Geometry", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Timings for Tools/bench/features (features, matching, minimal solvers).
        .executableTarget(name: "estimate-bench", dependencies: ["Estimate", "Geometry", "Media"]),

        .testTarget(name: "MediaTests", dependencies: ["Media"], exclude: ["Fixtures"]),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "EstimateTests", dependencies: ["Estimate", "Geometry", "Media", "Reporting"], exclude: ["Fixtures"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Media", "Reporting"]),
    ],
    swiftLanguageModes: [.v5]
)
