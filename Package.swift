// swift-tools-version:6.0
// vid2world: one image or a phone video in, a 3D / 4D Gaussian-splat scene out.
import PackageDescription

// Hot C loops are built optimised even in debug builds: the tests run them on real sizes.
let optimize: [CSetting] = [.unsafeFlags(["-O3", "-ffp-contract=fast"]),
                            .unsafeFlags(["-march=x86-64-v3"], .when(platforms: [.linux]))]

let package = Package(
    name: "vid2world",
    platforms: [.macOS(.v14)],
    products: [],
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

        // Gaussian splatting: C kernels (project, bin/sort, rasterize, backward, Adam, losses) and
        // their slow double-precision references; the Swift module runs them on all cores.
        .target(name: "CSplat", cSettings: optimize),
        .target(name: "Splats", dependencies: ["CSplat"]),
        .testTarget(name: "SplatsTests", dependencies: ["Splats", "CSplat"]),
        .target(name: "Export", dependencies: ["Splats"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Splats"]),
    ],
    swiftLanguageModes: [.v5]
)
