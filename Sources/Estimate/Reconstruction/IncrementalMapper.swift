import Foundation
import Geometry
import Reporting

/// Incremental structure from motion (in the manner of COLMAP's mapper): an initial pair with
/// enough parallax, then the image that sees most reconstructed points registered by P3P
/// RANSAC, its new tracks triangulated, a local bundle adjustment after each registration and
/// a global one as the model grows, outliers filtered and tracks re-triangulated.
final class IncrementalMapper {
    let features: [Features]
    let options: ReconstructionOptions
    let pairs: [VerifiedPair]
    let tracks: [[TrackElement]]
    /// Per image and keypoint: its track, or −1.
    let trackOf: [[Int32]]
    let width: Int, height: Int

    var intrinsics: SharedIntrinsics
    var poses: [Pose?]
    /// Per track: the point, and which of its elements (indices into the track) observe it.
    var position: [Vec3?]
    var observed: [[Int]]
    var initialPair = ImagePair(0, 1)
    var failures: [Int: String] = [:]
    var attempts: [Int]
    var triedAtVisible: [Int]
    var registeredCount = 0

    init(features: [Features], pairs: [VerifiedPair], options: ReconstructionOptions) {
        self.features = features; self.pairs = pairs; self.options = options
        width = features[0].width; height = features[0].height
        tracks = TrackBuilder.build(pairs: pairs, keypointCounts: features.map(\.count))
        var lookup = features.map { [Int32](repeating: -1, count: $0.count) }
        for (t, track) in tracks.enumerated() { for e in track { lookup[Int(e.image)][Int(e.keypoint)] = Int32(t) } }
        trackOf = lookup
        let f = options.initialFocal(width: width, height: height)
        intrinsics = SharedIntrinsics(focal: f, cx: Double(width) / 2, cy: Double(height) / 2)
        poses = [Pose?](repeating: nil, count: features.count)
        position = [Vec3?](repeating: nil, count: tracks.count)
        observed = [[Int]](repeating: [], count: tracks.count)
        attempts = [Int](repeating: 0, count: features.count)
        triedAtVisible = [Int](repeating: -1, count: features.count)
    }

    func pixel(_ e: TrackElement) -> Vec2 {
        let k = features[Int(e.image)].keypoints[Int(e.keypoint)]
        return Vec2(Double(k.x), Double(k.y))
    }

    func camera(_ image: Int) -> Camera {
        Camera(width: width, height: height, intrinsics: intrinsics.intrinsics, pose: poses[image]!)
    }

    // MARK: - Driver

    /// Builds the model; from `start`'s cameras (re-triangulated with this mapper's tracks and
    /// adjusted) instead of an initial pair when given. `progress` shows the images registered
    /// (the caller finishes it: a second mapper may go on from this one's model).
    func run(progress: Reporting.Progress?, from start: SparseModel? = nil) throws -> SparseModel {
        if let start {
            intrinsics = start.intrinsics
            poses = start.poses
            initialPair = start.initialPair
            registeredCount = start.registeredCount
            retriangulate()
            try globalAdjust(distortion: false)
            retriangulate()
        } else {
            try initialize()
        }
        progress?.set(done: registeredCount)
        var lastGlobal = registeredCount
        var passes = 0
        while true {
            while let image = nextImage() {
                try Cancellation.check()
                if try register(image) {
                    triangulate(image: image)
                    try localAdjust(around: image)
                    if Double(registeredCount) >= options.globalBundleGrowth * Double(lastGlobal) {
                        try globalAdjust(distortion: false)
                        retriangulate()
                        lastGlobal = registeredCount
                    }
                    progress?.set(done: registeredCount)
                }
            }
            // Final refinement; then one more pass for images the better model may now place.
            try globalAdjust(distortion: false, final: true)
            retriangulate()
            try globalAdjust(distortion: options.refineDistortion && registeredCount >= 8, final: true)
            passes += 1
            let retry = (0..<features.count).filter { poses[$0] == nil && attempts[$0] > 0 }
            guard passes < 3, !retry.isEmpty else { break }
            for i in retry { attempts[i] = 0; triedAtVisible[i] = -1 }
            guard nextImage() != nil else { break }
        }
        return model()
    }

    func model() -> SparseModel {
        var points: [SparsePoint] = []
        for t in tracks.indices { if let p = position[t], observed[t].count >= 2 {
            points.append(SparsePoint(position: p, observations: observed[t].map { tracks[t][$0] }))
        } }
        var unregistered: [Int: String] = [:]
        for i in 0..<features.count where poses[i] == nil {
            unregistered[i] = failures[i] ?? "too few matches to the reconstructed points (\(visiblePoints(i)) seen)"
        }
        return SparseModel(width: width, height: height, intrinsics: intrinsics, poses: poses, points: points,
                           unregistered: unregistered, initialPair: initialPair)
    }

    // MARK: - Initial pair

    func initialize() throws {
        // General pairs first; pairs a homography explains (a dominant wall, say) only after them,
        // still held to the same parallax test below, so an indoor scene that one textured plane
        // dominates can start, while no planar pair is preferred over a general one.
        func ranked(_ configuration: TwoViewConfiguration) -> [VerifiedPair] {
            pairs.filter { $0.configuration == configuration && $0.relativePose != nil && $0.inliers.count >= options.minInitialPoints }
                .sorted { $0.inliers.count != $1.inliers.count ? $0.inliers.count > $1.inliers.count : $0.pair < $1.pair }
        }
        let general = ranked(.general)
        let candidates = Array(general.prefix(40)) + ranked(.planar).prefix(max(0, 40 - general.count))
        guard !candidates.isEmpty else {
            let counts = Dictionary(grouping: pairs, by: \.configuration).mapValues(\.count)
            let best = pairs.map(\.inliers.count).max() ?? 0
            throw EstimateError.reconstructionFailed(stage: "initial pair", reason:
                "no image pair shows a moving camera over a 3-D scene with ≥ \(options.minInitialPoints) verified matches " +
                "(\(pairs.count) pairs: \(counts[.general] ?? 0) general, \(counts[.planar] ?? 0) planar, " +
                "\(counts[.pureRotation] ?? 0) pure rotation or no camera motion, \(counts[.insufficient] ?? 0) with too few matches; " +
                "most verified matches in a pair: \(best)). The images may not overlap, be blank, or the camera may not have moved")
        }
        var bestAngle = 0.0, bestPoints = 0
        for candidate in candidates {
            let i = candidate.pair.first, j = candidate.pair.second
            poses[i] = .identity
            poses[j] = candidate.relativePose!
            var made: [Int] = []
            var angles: [Double] = []
            let cameras = [camera(i), camera(j)]
            for m in candidate.inliers {
                let t = Int(trackOf[i][Int(m.index1)])
                guard t >= 0, trackOf[j][Int(m.index2)] == Int32(t), position[t] == nil else { continue }
                let e1 = TrackElement(image: i, keypoint: Int(m.index1)), e2 = TrackElement(image: j, keypoint: Int(m.index2))
                var relaxed = options.triangulation
                relaxed.minAngleDegrees = 0
                guard case let .success(x) = Triangulation.triangulate(cameras: cameras, pixels: [pixel(e1), pixel(e2)], options: relaxed) else { continue }
                angles.append(Triangulation.largestRayAngle(x, centers: cameras.map(\.pose.center)))
                position[t] = x
                observed[t] = [tracks[t].firstIndex(of: e1)!, tracks[t].firstIndex(of: e2)!]
                made.append(t)
            }
            let median = angles.isEmpty ? 0 : angles.sorted()[angles.count / 2]
            bestAngle = max(bestAngle, median)
            bestPoints = max(bestPoints, made.count)
            if made.count >= options.minInitialPoints && median >= options.minInitialAngle {
                initialPair = candidate.pair
                registeredCount = 2
                // Points below the angle limit stay out of the model.
                for t in made where Triangulation.largestRayAngle(position[t]!, centers: cameras.map(\.pose.center)) < options.triangulation.minAngleDegrees {
                    position[t] = nil; observed[t] = []
                }
                try globalAdjust(distortion: false, refineFocal: false)
                return
            }
            for t in made { position[t] = nil; observed[t] = [] }
            poses[i] = nil; poses[j] = nil
        }
        throw EstimateError.reconstructionFailed(stage: "initial pair", reason:
            "no pair has both enough parallax and enough points: the widest median triangulation angle was " +
            "\(String(format: "%.2f", bestAngle))° (need \(options.minInitialAngle)°), the most points triangulated \(bestPoints) " +
            "(need \(options.minInitialPoints)); the camera barely moved, or only rotated")
    }

    // MARK: - Registration

    func visiblePoints(_ image: Int) -> Int {
        var n = 0
        for t in trackOf[image] where t >= 0 && position[Int(t)] != nil { n += 1 }
        return n
    }

    /// The unregistered image that sees most points, if it sees enough and has not failed with
    /// the same support before.
    func nextImage() -> Int? {
        var best: (image: Int, visible: Int)?
        for i in 0..<features.count where poses[i] == nil && attempts[i] < options.maxRegistrationAttempts {
            let v = visiblePoints(i)
            guard v >= options.minRegistrationInliers, v > triedAtVisible[i] else { continue }
            if v > (best?.visible ?? -1) { best = (i, v) }
        }
        return best?.image
    }

    func register(_ image: Int) throws -> Bool {
        var pixels: [Vec2] = [], points: [Vec3] = [], slots: [(track: Int, keypoint: Int)] = []
        for (k, t32) in trackOf[image].enumerated() where t32 >= 0 {
            let t = Int(t32)
            guard let x = position[t] else { continue }
            pixels.append(pixel(TrackElement(image: image, keypoint: k))); points.append(x); slots.append((t, k))
        }
        attempts[image] += 1
        triedAtVisible[image] = pixels.count
        var ransac = options.registration
        ransac.seed = options.seed &+ UInt64(image) &* 7919 &+ UInt64(attempts[image])
        ransac.minInliers = max(options.minRegistrationInliers, Int((options.minRegistrationInlierRatio * Double(pixels.count)).rounded(.up)))
        let estimate: AbsolutePoseEstimate
        do {
            estimate = try AbsolutePose.estimate(pixels: pixels, points: points, intrinsics: intrinsics.intrinsics, options: ransac)
        } catch EstimateError.noModel, EstimateError.tooFewCorrespondences {
            failures[image] = "pose not found: fewer than \(ransac.minInliers) of \(pixels.count) matches to reconstructed points agree"
            return false
        }
        poses[image] = estimate.pose
        registeredCount += 1
        failures[image] = nil
        for index in estimate.inliers {
            let (t, k) = slots[index]
            let slot = tracks[t].firstIndex(of: TrackElement(image: image, keypoint: k))!
            if !observed[t].contains(slot) { observed[t].append(slot) }
        }
        return true
    }

    // MARK: - Triangulation

    /// New points for the tracks of `image` that have none yet.
    func triangulate(image: Int) {
        for t32 in trackOf[image] where t32 >= 0 && position[Int(t32)] == nil { triangulate(track: Int(t32), preferring: image) }
    }

    /// Re-triangulates every track without a point and completes existing points with
    /// registered observations that fit.
    func retriangulate() {
        for t in tracks.indices {
            if position[t] == nil { triangulate(track: t, preferring: nil) } else { complete(track: t) }
        }
    }

    private func triangulate(track t: Int, preferring image: Int?) {
        let registered = tracks[t].indices.filter { poses[Int(tracks[t][$0].image)] != nil }
        guard registered.count >= 2 else { return }
        let cameras = registered.map { camera(Int(tracks[t][$0].image)) }
        let pixels = registered.map { pixel(tracks[t][$0]) }
        var point: Vec3?
        if case let .success(x) = Triangulation.triangulate(cameras: cameras, pixels: pixels, options: options.triangulation) {
            point = x
        } else {
            // One bad view spoils the joint solution: try pairs with the preferred (newest) view.
            let anchors = image.flatMap { img in registered.firstIndex { Int(tracks[t][$0].image) == img } }.map { [$0] } ?? Array(registered.indices.prefix(3))
            search: for a in anchors {
                for b in registered.indices where b != a {
                    if case let .success(x) = Triangulation.triangulate(cameras: [cameras[a], cameras[b]], pixels: [pixels[a], pixels[b]],
                                                                        options: options.triangulation) {
                        point = x
                        break search
                    }
                }
            }
        }
        guard let x = point else { return }
        let fitting = registered.indices.filter { fits(x, cameras[$0], pixels[$0]) }.map { registered[$0] }
        guard fitting.count >= 2 else { return }
        position[t] = x
        observed[t] = fitting
    }

    private func complete(track t: Int) {
        guard let x = position[t] else { return }
        for slot in tracks[t].indices where !observed[t].contains(slot) {
            let e = tracks[t][slot]
            guard poses[Int(e.image)] != nil, fits(x, camera(Int(e.image)), pixel(e)) else { continue }
            observed[t].append(slot)
        }
    }

    func fits(_ x: Vec3, _ camera: Camera, _ pixel: Vec2) -> Bool {
        let (p, depth) = camera.project(x)
        let d = p - pixel
        return depth > 0 && (d.x * d.x + d.y * d.y) <= options.maxReprojectionError * options.maxReprojectionError
    }
}
