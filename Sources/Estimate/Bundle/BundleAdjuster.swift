import CSolvers
import Foundation
import Geometry

/// Robust loss on the reprojection error; `scale` in pixels (errors below it count as squared).
public enum RobustLoss: Equatable, Sendable {
    case squared
    case huber(scale: Double)
    case cauchy(scale: Double)
}

/// Intrinsics shared by every camera of a bundle: one focal length (square pixels), the
/// principal point and two radial distortion coefficients (OpenCV k1, k2), all in pixels.
public struct SharedIntrinsics: Equatable, Sendable {
    public var focal: Double
    public var cx: Double, cy: Double
    public var k1: Double = 0, k2: Double = 0

    public init(focal: Double, cx: Double, cy: Double, k1: Double = 0, k2: Double = 0) {
        self.focal = focal; self.cx = cx; self.cy = cy; self.k1 = k1; self.k2 = k2
    }

    public var intrinsics: Intrinsics {
        Intrinsics(fx: focal, fy: focal, cx: cx, cy: cy, distortion: Distortion(k1: k1, k2: k2))
    }
    var array: [Double] { [focal, cx, cy, k1, k2] }
    init(_ a: [Double]) { self.init(focal: a[0], cx: a[1], cy: a[2], k1: a[3], k2: a[4]) }
}

/// One pixel observation of a point in a camera.
public struct BundleObservation: Equatable, Sendable {
    public var camera: Int
    public var point: Int
    public var pixel: Vec2
    public init(camera: Int, point: Int, pixel: Vec2) { self.camera = camera; self.point = point; self.pixel = pixel }
}

/// Which pose parameters of a camera stay fixed (sets the gauge).
public struct PoseFixing: OptionSet, Equatable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let rotation = PoseFixing(rawValue: 0b000111)
    public static let translationX = PoseFixing(rawValue: 0b001000)
    public static let translationY = PoseFixing(rawValue: 0b010000)
    public static let translationZ = PoseFixing(rawValue: 0b100000)
    public static let all = PoseFixing(rawValue: 0b111111)
    /// The translation component `axis` (0, 1, 2).
    public static func translation(_ axis: Int) -> PoseFixing { PoseFixing(rawValue: UInt8(8 << axis)) }
}

/// Cameras, points and their observations; `BundleAdjuster.adjust` refines them in place.
public struct BundleProblem: Sendable {
    public var poses: [Pose]
    public var points: [Vec3]
    public var intrinsics: SharedIntrinsics
    public var observations: [BundleObservation]
    /// Per camera; empty means all free.
    public var poseFixing: [PoseFixing]
    /// Per point; empty means all free.
    public var pointFixed: [Bool]

    public init(poses: [Pose], points: [Vec3], intrinsics: SharedIntrinsics, observations: [BundleObservation],
                poseFixing: [PoseFixing] = [], pointFixed: [Bool] = []) {
        self.poses = poses; self.points = points; self.intrinsics = intrinsics; self.observations = observations
        self.poseFixing = poseFixing; self.pointFixed = pointFixed
    }

    /// Fixes the seven degrees of freedom of a similarity: all of camera `first`'s pose, and
    /// the translation component of camera `second` that a scaling about `first`'s centre
    /// changes most (scaling by s moves it by (s − 1) R₂ (C₂ − C₁)). Other cameras become free.
    public mutating func fixGauge(first: Int, second: Int) {
        poseFixing = [PoseFixing](repeating: [], count: poses.count)
        poseFixing[first] = .all
        let lever = poses[second].rotation * (poses[second].center - poses[first].center)
        let magnitudes = [abs(lever.x), abs(lever.y), abs(lever.z)]
        poseFixing[second] = .translation(magnitudes.firstIndex(of: magnitudes.max()!)!)
    }

    /// Reprojection error in pixels of each observation (∞ when the point is behind the camera).
    public func reprojectionErrors() -> [Double] {
        let k = intrinsics.intrinsics
        return observations.map { o in
            let c = poses[o.camera].apply(points[o.point])
            guard c.z > 0 else { return .infinity }
            let d = k.project(c) - o.pixel
            return (d.x * d.x + d.y * d.y).squareRoot()
        }
    }
}

/// Settings of bundle adjustment.
public struct BundleOptions: Equatable, Sendable {
    public var loss: RobustLoss = .cauchy(scale: 1)
    public var maxIterations: Int = 50
    /// Stop once an accepted step lowers the cost by less than this fraction.
    public var functionTolerance: Double = 1e-7
    public var refineFocal = true
    public var refinePrincipalPoint = false
    /// Refine k1 and k2.
    public var refineDistortion = false
    /// Threads for the per-point work (1: the calling thread only). The result does not depend
    /// on it: the work is split into chunks by problem size alone and combined in order.
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(loss: RobustLoss = .cauchy(scale: 1), maxIterations: Int = 50, functionTolerance: Double = 1e-7,
                refineFocal: Bool = true, refinePrincipalPoint: Bool = false, refineDistortion: Bool = false) {
        self.loss = loss; self.maxIterations = maxIterations; self.functionTolerance = functionTolerance
        self.refineFocal = refineFocal; self.refinePrincipalPoint = refinePrincipalPoint; self.refineDistortion = refineDistortion
    }

    public func validate() throws {
        switch loss {
        case .squared: break
        case let .huber(scale), let .cauchy(scale):
            guard scale.isFinite, scale > 0 else {
                throw EstimateError.invalidOption(field: "loss scale", reason: "must be a positive number of pixels, got \(scale)")
            }
        }
        guard maxIterations >= 1 else { throw EstimateError.invalidOption(field: "maxIterations", reason: "must be ≥ 1, got \(maxIterations)") }
        guard functionTolerance.isFinite, functionTolerance >= 0 else {
            throw EstimateError.invalidOption(field: "functionTolerance", reason: "must be ≥ 0, got \(functionTolerance)")
        }
        guard threads >= 1 else { throw EstimateError.invalidOption(field: "threads", reason: "must be ≥ 1, got \(threads)") }
    }
}

public struct BundleSummary: Equatable, Sendable {
    /// ½ Σ ρ(squared reprojection error), before and after.
    public var initialCost: Double
    public var finalCost: Double
    public var iterations: Int
    public var acceptedSteps: Int
}

/// The solver's chunks on the cores (it starts no threads itself).
private let runConcurrently: v2w_parallel_for = { count, context, task in
    DispatchQueue.concurrentPerform(iterations: Int(count)) { k in task!(context, Int32(k)) }
}

/// Levenberg–Marquardt bundle adjustment (the C++ solver in `CSolvers`).
public enum BundleAdjuster {
    public static func adjust(_ problem: inout BundleProblem, options: BundleOptions = .init()) throws -> BundleSummary {
        try adjust(&problem, options: options, parallel: options.threads > 1 ? runConcurrently : nil)
    }

    /// The same with the solver's chunks run by `parallel` (tests run them in other orders).
    static func adjust(_ problem: inout BundleProblem, options: BundleOptions, parallel: v2w_parallel_for?) throws -> BundleSummary {
        try options.validate()
        let nc = problem.poses.count, np = problem.points.count
        guard problem.poseFixing.isEmpty || problem.poseFixing.count == nc else {
            throw EstimateError.mismatchedCounts(what: "bundle pose fixing vs poses", first: problem.poseFixing.count, second: nc)
        }
        guard problem.pointFixed.isEmpty || problem.pointFixed.count == np else {
            throw EstimateError.mismatchedCounts(what: "bundle fixed points vs points", first: problem.pointFixed.count, second: np)
        }
        for o in problem.observations where !(0..<nc).contains(o.camera) || !(0..<np).contains(o.point) {
            throw EstimateError.invalidOption(field: "observation", reason: "camera \(o.camera) / point \(o.point) out of range")
        }
        var poses = [Double](); poses.reserveCapacity(6 * nc)
        for pose in problem.poses {
            var omega = [Double](repeating: 0, count: 3)
            v2w_matrix_to_angle_axis(pose.rotation.rowMajor, &omega)
            poses += omega + [pose.translation.x, pose.translation.y, pose.translation.z]
        }
        var points = problem.points.flatMap { [$0.x, $0.y, $0.z] }
        var intrinsics = problem.intrinsics.array
        let cameraIndex = problem.observations.map { Int32($0.camera) }
        let pointIndex = problem.observations.map { Int32($0.point) }
        let pixels = problem.observations.flatMap { [$0.pixel.x, $0.pixel.y] }
        let fixing = problem.poseFixing.map(\.rawValue)
        let fixedPoints = problem.pointFixed.map { UInt8($0 ? 1 : 0) }
        var free: Int32 = 0
        if options.refineFocal { free |= Int32(V2W_BA_FOCAL) }
        if options.refinePrincipalPoint { free |= Int32(V2W_BA_CX | V2W_BA_CY) }
        if options.refineDistortion { free |= Int32(V2W_BA_K1 | V2W_BA_K2) }
        let (loss, scale): (Int32, Double) = switch options.loss {
        case .squared: (Int32(V2W_LOSS_SQUARED), 1)
        case let .huber(s): (Int32(V2W_LOSS_HUBER), s)
        case let .cauchy(s): (Int32(V2W_LOSS_CAUCHY), s)
        }

        var summary = v2w_ba_summary()
        let status: Int32 = poses.withUnsafeMutableBufferPointer { posesBuffer in
            points.withUnsafeMutableBufferPointer { pointsBuffer in
                intrinsics.withUnsafeMutableBufferPointer { intrinsicsBuffer in
                    cameraIndex.withUnsafeBufferPointer { cameraBuffer in
                        pointIndex.withUnsafeBufferPointer { pointBuffer in
                            pixels.withUnsafeBufferPointer { pixelBuffer in
                                fixing.withUnsafeBufferPointer { fixingBuffer in
                                    fixedPoints.withUnsafeBufferPointer { fixedBuffer in
                                        var p = v2w_ba_problem(
                                            camera_count: Int32(nc), point_count: Int32(np),
                                            observation_count: Int32(cameraIndex.count),
                                            observation_camera: cameraBuffer.baseAddress, observation_point: pointBuffer.baseAddress,
                                            observations: pixelBuffer.baseAddress, poses: posesBuffer.baseAddress,
                                            points: pointsBuffer.baseAddress, intrinsics: intrinsicsBuffer.baseAddress,
                                            pose_fixed: fixing.isEmpty ? nil : fixingBuffer.baseAddress,
                                            point_fixed: fixedPoints.isEmpty ? nil : fixedBuffer.baseAddress,
                                            intrinsics_free: free, loss: loss, loss_scale: scale,
                                            max_iterations: Int32(options.maxIterations),
                                            function_tolerance: options.functionTolerance,
                                            parallel: parallel)
                                        return v2w_bundle_adjust(&p, &summary)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        switch status {
        case 0: break
        case -2: throw EstimateError.nonFinite(what: "bundle adjustment input")
        default: throw EstimateError.invalidOption(field: "bundle problem", reason: "rejected by the solver (status \(status))")
        }
        for c in 0..<nc {
            var matrix = [Double](repeating: 0, count: 9)
            v2w_angle_axis_to_matrix(Array(poses[(6 * c)..<(6 * c + 3)]), &matrix)
            problem.poses[c] = Pose(rotation: Mat3(rowMajor: matrix)!,
                                    translation: Vec3(poses[6 * c + 3], poses[6 * c + 4], poses[6 * c + 5]))
        }
        for j in 0..<np { problem.points[j] = Vec3(points[3 * j], points[3 * j + 1], points[3 * j + 2]) }
        problem.intrinsics = SharedIntrinsics(intrinsics)
        return BundleSummary(initialCost: summary.initial_cost, finalCost: summary.final_cost,
                             iterations: Int(summary.iterations), acceptedSteps: Int(summary.accepted))
    }
}
