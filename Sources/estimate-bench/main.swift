// Figures for Tools/bench/features: feature extraction, matching and solver timings.
//   estimate-bench features IMAGE [IMAGE2] [--threads N] [--no-upsample] [--max N] [--runs N]
//   estimate-bench solvers
import Estimate
import Foundation
import Geometry
import Media

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
}

func value(_ arguments: [String], _ flag: String) -> String? {
    guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

func featureBenchmark(_ arguments: [String]) throws {
    let paths = arguments.prefix { !$0.hasPrefix("--") }
    guard let first = paths.first else { print("need an image"); exit(2) }
    var options = FeatureOptions()
    if let t = value(arguments, "--threads"), let n = Int(t) { options.threads = n }
    if let m = value(arguments, "--max"), let n = Int(m) { options.maxKeypoints = n }
    if arguments.contains("--no-upsample") { options.upsampleFirstOctave = false }
    let runs = Int(value(arguments, "--runs") ?? "3") ?? 3
    let extractor = try FeatureExtractor(options: options)
    let image = try ImageFile.read(URL(fileURLWithPath: first))
    var features: Features?
    var best = Double.infinity
    for _ in 0..<runs { best = min(best, try seconds { features = try extractor.extract(image) }) }
    print("image \(image.width)x\(image.height)")
    print("threads \(options.threads)")
    print("keypoints \(features!.count)")
    print("extract_s \(best)")
    if paths.count > 1 {
        let other = try extractor.extract(try ImageFile.read(URL(fileURLWithPath: paths[paths.index(after: paths.startIndex)])))
        var matches: [Match] = []
        var bestMatch = Double.infinity
        for _ in 0..<runs { bestMatch = min(bestMatch, try seconds { matches = try Matcher.match(features!, other) }) }
        print("keypoints2 \(other.count)")
        print("matches \(matches.count)")
        print("match_s \(bestMatch)")
    }
}

func solverBenchmark() {
    var rng = SeededGenerator(seed: 1)
    // Random two-view and absolute-pose problems.
    let pose = Pose(rotation: Quaternion(axis: Vec3(0.2, 1, 0.1), angle: 0.3).rotationMatrix, translation: Vec3(1, 0.1, 0.2))
    var points: [Vec3] = []
    for _ in 0..<5 { points.append(Vec3(rng.nextDouble(in: -2, 2), rng.nextDouble(in: -2, 2), rng.nextDouble(in: 4, 8))) }
    let rays1 = points.map { $0 / $0.z }, rays2 = points.map { let c = pose.apply($0); return c / c.z }
    let n = 2000
    var solutions = 0
    let fivePoint = seconds { for _ in 0..<n { solutions += FivePoint.solve(rays1, rays2).count } }
    let p3p = seconds { for _ in 0..<n { solutions += P3P.solve(bearings: rays2, points: points).count } }
    let from = points.prefix(4).map { Vec2($0.x, $0.y) }, to = rays2.prefix(4).map { Vec2($0.x, $0.y) }
    let homography = seconds { for _ in 0..<n { solutions += Homography.fit(from: from, to: to) == nil ? 0 : 1 } }
    print("five_point_us \(fivePoint / Double(n) * 1e6)")
    print("p3p_us \(p3p / Double(n) * 1e6)")
    print("homography4_us \(homography / Double(n) * 1e6)")
    print("solutions \(solutions)")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "features": try featureBenchmark(Array(arguments.dropFirst()))
case "solvers": solverBenchmark()
default:
    print("usage: estimate-bench features IMAGE [IMAGE2] [--threads N] [--no-upsample] [--max N] [--runs N] | solvers")
    exit(2)
}
