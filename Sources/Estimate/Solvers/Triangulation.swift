import Foundation
import Geometry

/// Limits a triangulated point must meet to be kept.
public struct TriangulationOptions: Equatable, Sendable {
    /// Smallest angle between any two viewing rays of the point, in degrees (COLMAP's default
    /// 1.5°): below it the depth is too uncertain to trust.
    public var minAngleDegrees: Double = 1.5
    /// Largest reprojection error in any view, in pixels.
    public var maxReprojectionError: Double = 4.0

    public init(minAngleDegrees: Double = 1.5, maxReprojectionError: Double = 4.0) {
        self.minAngleDegrees = minAngleDegrees; self.maxReprojectionError = maxReprojectionError
    }

    public func validate() throws {
        guard minAngleDegrees.isFinite, minAngleDegrees >= 0, minAngleDegrees < 90 else {
            throw EstimateError.invalidOption(field: "minAngleDegrees", reason: "must be in [0, 90) degrees, got \(minAngleDegrees)")
        }
        guard maxReprojectionError.isFinite, maxReprojectionError > 0 else {
            throw EstimateError.invalidOption(field: "maxReprojectionError", reason: "must be a positive number of pixels, got \(maxReprojectionError)")
        }
    }
}

/// Why a point was not triangulated.
public enum TriangulationRejection: Error, Equatable, Sendable {
    case tooFewViews
    /// The linear system had no finite solution (e.g. all rays identical).
    case degenerate
    /// Behind (or on the centre plane of) the camera with this index.
    case behindCamera(view: Int)
    /// The widest angle between the rays was below the option, in degrees.
    case smallAngle(degrees: Double)
    /// Reprojection error above the option, in pixels, in the given view.
    case largeReprojectionError(view: Int, pixels: Double)
}

/// Linear (DLT) triangulation from two or more posed views.
public enum Triangulation {
    /// The point whose projections best fit the normalised image coordinates `points[i]`
    /// (x/z, y/z) in cameras with world-to-camera `poses[i]`, in the algebraic (DLT) sense,
    /// solved by SVD. nil for fewer than two views or a point at infinity.
    public static func dlt(poses: [Pose], points: [Vec2]) -> Vec3? {
        guard poses.count >= 2, poses.count == points.count else { return nil }
        var a = DenseMatrix(rows: max(2 * poses.count, 4), columns: 4)
        for (k, (pose, p)) in zip(poses, points).enumerated() {
            let r = pose.rotation, t = pose.translation
            let row0 = [r.r0.x, r.r0.y, r.r0.z, t.x], row1 = [r.r1.x, r.r1.y, r.r1.z, t.y]
            let row2 = [r.r2.x, r.r2.y, r.r2.z, t.z]
            var first = [Double](repeating: 0, count: 4), second = first
            for c in 0..<4 {
                first[c] = p.x * row2[c] - row0[c]
                second[c] = p.y * row2[c] - row1[c]
            }
            // Equal weight per view regardless of the row scale.
            let n1 = first.reduce(0) { $0 + $1 * $1 }.squareRoot(), n2 = second.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for c in 0..<4 {
                a[2 * k, c] = n1 > 0 ? first[c] / n1 : 0
                a[2 * k + 1, c] = n2 > 0 ? second[c] / n2 : 0
            }
        }
        guard let h = a.nullSpace(count: 1).first, abs(h[3]) > 1e-14 * (abs(h[0]) + abs(h[1]) + abs(h[2])) else { return nil }
        let x = Vec3(h[0] / h[3], h[1] / h[3], h[2] / h[3])
        return x.x.isFinite && x.y.isFinite && x.z.isFinite ? x : nil
    }

    /// Triangulates pixel observations in full cameras (distortion is removed first) and checks
    /// positive depth, the triangulation angle and the reprojection error in every view.
    public static func triangulate(cameras: [Camera], pixels: [Vec2],
                                   options: TriangulationOptions = .init()) -> Result<Vec3, TriangulationRejection> {
        guard cameras.count >= 2, cameras.count == pixels.count else { return .failure(.tooFewViews) }
        let normalized = zip(cameras, pixels).map { $0.intrinsics.normalizedUndistorted($1) }
        guard let point = dlt(poses: cameras.map(\.pose), points: normalized) else { return .failure(.degenerate) }
        for (k, camera) in cameras.enumerated() where camera.pose.apply(point).z <= 0 {
            return .failure(.behindCamera(view: k))
        }
        let angle = largestRayAngle(point, centers: cameras.map(\.pose.center))
        if angle < options.minAngleDegrees { return .failure(.smallAngle(degrees: angle)) }
        for (k, camera) in cameras.enumerated() {
            let error = length2(camera.project(point).pixel - pixels[k])
            if !(error <= options.maxReprojectionError) { return .failure(.largeReprojectionError(view: k, pixels: error)) }
        }
        return .success(point)
    }

    /// Widest angle, in degrees, between rays from the point to any two camera centres.
    public static func largestRayAngle(_ point: Vec3, centers: [Vec3]) -> Double {
        let rays = centers.map { normalize($0 - point) }
        var widest = 0.0
        for i in 0..<rays.count {
            for j in (i + 1)..<rays.count {
                let c = max(-1, min(1, dot(rays[i], rays[j])))
                widest = max(widest, acos(c) * 180 / .pi)
            }
        }
        return widest
    }

    private static func length2(_ v: Vec2) -> Double { (v.x * v.x + v.y * v.y).squareRoot() }
}
