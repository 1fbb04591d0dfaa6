import Geometry

/// Bundle adjustment and outlier filtering for the mapper.
extension IncrementalMapper {
    /// Moves `image` and its most co-visible registered neighbours (with the points they see);
    /// every other camera seeing those points is held fixed.
    func localAdjust(around image: Int) throws {
        var shared: [Int: Int] = [:]
        for t32 in trackOf[image] where t32 >= 0 {
            let t = Int(t32)
            guard position[t] != nil else { continue }
            for slot in observed[t] { let other = Int(tracks[t][slot].image); if other != image { shared[other, default: 0] += 1 } }
        }
        let neighbours = shared.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(options.localBundleSize - 1).map(\.key)
        let window = Set([image] + neighbours)
        var trackSet = Set<Int>()
        for i in window { for t32 in trackOf[i] where t32 >= 0 && position[Int(t32)] != nil { trackSet.insert(Int(t32)) } }
        try adjust(free: window, tracks: trackSet.sorted(), distortion: false, refineFocal: registeredCount >= 4,
                   iterations: options.localBundleIterations, tolerance: options.growingBundleTolerance)
    }

    /// All registered cameras and points; `final` ones run to `options.bundle`'s tolerance,
    /// those while the model grows stop earlier (`growingBundleTolerance`).
    func globalAdjust(distortion: Bool, refineFocal: Bool = true, final: Bool = false) throws {
        let all = Set((0..<features.count).filter { poses[$0] != nil })
        let withPoints = tracks.indices.filter { position[$0] != nil }
        try adjust(free: all, tracks: withPoints, distortion: distortion, refineFocal: refineFocal && registeredCount >= 3,
                   iterations: options.bundle.maxIterations,
                   tolerance: final ? options.bundle.functionTolerance : options.growingBundleTolerance)
        filterSmallAngles()
    }

    /// One bundle adjustment over the given tracks: cameras in `free` move, other registered
    /// cameras that see the tracks stay fixed; observations that no longer fit are dropped.
    private func adjust(free: Set<Int>, tracks chosen: [Int], distortion: Bool, refineFocal: Bool, iterations: Int,
                        tolerance: Double) throws {
        guard !chosen.isEmpty else { return }
        var cameraIndex: [Int: Int] = [:]
        var images: [Int] = []
        var observations: [BundleObservation] = []
        for (j, t) in chosen.enumerated() {
            for slot in observed[t] {
                let e = tracks[t][slot]
                let image = Int(e.image)
                let c: Int
                if let known = cameraIndex[image] { c = known } else { c = images.count; cameraIndex[image] = c; images.append(image) }
                observations.append(BundleObservation(camera: c, point: j, pixel: pixel(e)))
            }
        }
        var problem = BundleProblem(poses: images.map { poses[$0]! }, points: chosen.map { position[$0]! },
                                    intrinsics: intrinsics, observations: observations)
        let fixedCount = images.filter { !free.contains($0) }.count
        if fixedCount >= 2 {
            problem.poseFixing = images.map { free.contains($0) ? [] : .all }
        } else {
            // Not enough fixed cameras to hold the gauge: hold the initial pair's.
            for image in [initialPair.first, initialPair.second] where cameraIndex[image] == nil {
                cameraIndex[image] = images.count; images.append(image); problem.poses.append(poses[image]!)
            }
            problem.fixGauge(first: cameraIndex[initialPair.first]!, second: cameraIndex[initialPair.second]!)
            for (c, image) in images.enumerated() where !free.contains(image) { problem.poseFixing[c] = .all }
        }
        var bundle = options.bundle
        bundle.refineFocal = refineFocal && bundle.refineFocal
        bundle.refineDistortion = distortion
        bundle.maxIterations = iterations
        bundle.threads = options.threads
        bundle.functionTolerance = max(tolerance, bundle.functionTolerance)
        _ = try BundleAdjuster.adjust(&problem, options: bundle)
        guard problem.intrinsics.focal.isFinite, problem.intrinsics.focal > 0 else { return }
        for (c, image) in images.enumerated() { poses[image] = problem.poses[c] }
        for (j, t) in chosen.enumerated() { position[t] = problem.points[j] }
        intrinsics = problem.intrinsics
        for t in chosen { filterObservations(track: t) }
    }

    /// Drops observations of a track whose reprojection error is too large, and the point when
    /// fewer than two remain.
    func filterObservations(track t: Int) {
        guard let x = position[t] else { return }
        observed[t] = observed[t].filter { slot in
            let e = tracks[t][slot]
            return fits(x, camera(Int(e.image)), pixel(e))
        }
        if observed[t].count < 2 { position[t] = nil; observed[t] = [] }
    }

    /// Points whose viewing rays are nearly parallel have unreliable depth: removed.
    func filterSmallAngles() {
        for t in tracks.indices {
            guard let x = position[t] else { continue }
            let centres = observed[t].map { poses[Int(tracks[t][$0].image)]!.center }
            if Triangulation.largestRayAngle(x, centers: centres) < options.triangulation.minAngleDegrees {
                position[t] = nil; observed[t] = []
            }
        }
    }
}
