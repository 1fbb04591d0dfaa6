// Figures for Tools/bench/features: feature extraction, matching and solver timings.
//   estimate-bench features IMAGE [IMAGE2] [--threads N] [--no-upsample] [--max N] [--runs N]
//   estimate-bench solvers
//   estimate-bench pair IMAGE1 IMAGE2 [--fov DEGREES] [--raw1 FILE --raw2 FILE]
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
    if let p = value(arguments, "--peak"), let v = Double(p) { options.peakThreshold = v }
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

/// Features from a raw file of n × (x, y, scale, orientation, 128 descriptor floats) float32,
/// as Tools/bench/features writes from pycolmap; descriptors are renormalised to unit L2.
func loadRawFeatures(_ path: String, width: Int, height: Int) throws -> Features {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let floats = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let n = floats.count / 132
    var keypoints: [Keypoint] = [], descriptors: [Float] = []
    for i in 0..<n {
        let row = floats[(i * 132)..<((i + 1) * 132)]
        let b = row.startIndex
        keypoints.append(Keypoint(x: row[b], y: row[b + 1], scale: row[b + 2], orientation: row[b + 3], response: 0, octave: 0))
        let d = Array(row[(b + 4)...])
        let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
        descriptors += d.map { norm > 0 ? $0 / norm : 0 }
    }
    return try Features(width: width, height: height, keypoints: keypoints, descriptors: descriptors)
}

/// Two views: features (ours or loaded), ratio-test matching, five-point LO-RANSAC with a
/// field-of-view prior; prints the support.
func pairBenchmark(_ arguments: [String]) throws {
    guard arguments.count >= 2 else { print("need two images"); exit(2) }
    let a = try ImageFile.read(URL(fileURLWithPath: arguments[0])), b = try ImageFile.read(URL(fileURLWithPath: arguments[1]))
    let fov = Double(value(arguments, "--fov") ?? "56") ?? 56
    var fa: Features, fb: Features
    if let raw1 = value(arguments, "--raw1"), let raw2 = value(arguments, "--raw2") {
        fa = try loadRawFeatures(raw1, width: a.width, height: a.height)
        fb = try loadRawFeatures(raw2, width: b.width, height: b.height)
    } else {
        var options = FeatureOptions()
        if let m = value(arguments, "--max"), let n = Int(m) { options.maxKeypoints = n }
        let extractor = try FeatureExtractor(options: options)
        fa = try extractor.extract(a); fb = try extractor.extract(b)
    }
    var matches: [Match] = []
    let matchTime = try seconds { matches = try Matcher.match(fa, fb) }
    let p1 = matches.map { Vec2(Double(fa.keypoints[$0.index1].x), Double(fa.keypoints[$0.index1].y)) }
    let p2 = matches.map { Vec2(Double(fb.keypoints[$0.index2].x), Double(fb.keypoints[$0.index2].y)) }
    let k = Intrinsics(fieldOfViewX: fov, width: a.width, height: a.height)
    var result: RelativePoseEstimate?
    let ransacTime = try seconds {
        result = try RelativePose.estimate(points1: p1, points2: p2, intrinsics1: k, intrinsics2: k, options: RansacOptions(maxError: 2, seed: 1))
    }
    print("keypoints \(fa.count) \(fb.count)")
    print("matches \(matches.count)")
    print("inliers \(result!.inliers.count)")
    print("match_s \(matchTime)")
    print("ransac_s \(ransacTime)")
    print("ransac_iterations \(result!.iterations)")
}

/// CPU-time profile of pair verification over a folder of ordered frames, one thread:
/// features, then for each image and its next `--overlap` images, matching and two-view
/// verification timed separately.
func sequenceProfile(_ arguments: [String]) throws {
    guard let folder = arguments.first else { print("need a folder"); exit(2) }
    let overlap = Int(value(arguments, "--overlap") ?? "10") ?? 10
    let limit = Int(value(arguments, "--images") ?? "30") ?? 30
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }
        .sorted().prefix(limit).map { URL(fileURLWithPath: folder).appendingPathComponent($0) }
    var options = FeatureOptions()
    options.threads = 1
    var t = cpuSeconds()
    let features = try FeatureExtractor(options: options).extract(files: Array(files))
    print("features_cpu_s \(cpuSeconds() - t) (\(files.count) images, mean keypoints \(features.map(\.count).reduce(0, +) / features.count))")
    var reconstruction = ReconstructionOptions()
    reconstruction.threads = 1
    var matchTime = 0.0, verifyTime = 0.0, pairs = 0
    let f = reconstruction.initialFocal(width: features[0].width, height: features[0].height)
    let k = Intrinsics(fx: f, fy: f, cx: Double(features[0].width) / 2, cy: Double(features[0].height) / 2)
    for i in features.indices {
        for j in (i + 1)..<min(features.count, i + 1 + overlap) {
            t = cpuSeconds()
            let matches = try Matcher.match(features[i], features[j], options: reconstruction.matching)
            matchTime += cpuSeconds() - t
            t = cpuSeconds()
            let p1 = matches.map { Vec2(Double(features[i].keypoints[$0.index1].x), Double(features[i].keypoints[$0.index1].y)) }
            let p2 = matches.map { Vec2(Double(features[j].keypoints[$0.index2].x), Double(features[j].keypoints[$0.index2].y)) }
            if matches.count >= reconstruction.minPairInliers {
                var twoView = reconstruction.twoView
                twoView.minInliers = reconstruction.minPairInliers
                _ = try TwoViewGeometry.analyze(points1: p1, points2: p2, intrinsics1: k, intrinsics2: k, options: twoView)
            }
            verifyTime += cpuSeconds() - t
            pairs += 1
        }
    }
    print("pairs \(pairs) match_cpu_s \(matchTime) verify_cpu_s \(verifyTime)")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "features": try featureBenchmark(Array(arguments.dropFirst()))
case "solvers": solverBenchmark()
case "pair": try pairBenchmark(Array(arguments.dropFirst()))
case "sequence": try sequenceProfile(Array(arguments.dropFirst()))
default:
    print("usage: estimate-bench features IMAGE [IMAGE2] [--threads N] [--no-upsample] [--max N] [--runs N] | solvers | pair IMAGE1 IMAGE2 [--fov DEG] [--raw1 F --raw2 F]")
    exit(2)
}
