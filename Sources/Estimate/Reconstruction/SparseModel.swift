import Geometry

/// A triangulated point and the keypoints that observe it.
public struct SparsePoint: Equatable, Sendable {
    public var position: Vec3
    public var observations: [TrackElement]
    public init(position: Vec3, observations: [TrackElement]) { self.position = position; self.observations = observations }
}

/// The result of structure from motion: shared intrinsics, a pose per registered image and the
/// sparse points.
public struct SparseModel: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var intrinsics: SharedIntrinsics
    /// World-to-camera, per input image; nil where the image could not be registered.
    public var poses: [Pose?]
    public var points: [SparsePoint]
    /// Why each unregistered image was left out, by image index.
    public var unregistered: [Int: String]
    public var initialPair: ImagePair

    public var registeredCount: Int { poses.lazy.filter { $0 != nil }.count }

    /// Reprojection error of every observation, in pixels.
    public func reprojectionErrors(features: [Features]) -> [Double] {
        let k = intrinsics.intrinsics
        var errors: [Double] = []
        for point in points {
            for e in point.observations {
                guard let pose = poses[Int(e.image)] else { continue }
                let kp = features[Int(e.image)].keypoints[Int(e.keypoint)]
                let c = pose.apply(point.position)
                let d = k.project(c) - Vec2(Double(kp.x), Double(kp.y))
                errors.append(c.z > 0 ? (d.x * d.x + d.y * d.y).squareRoot() : .infinity)
            }
        }
        return errors
    }

    /// A camera per registered image.
    public func camera(_ image: Int) -> Camera? {
        poses[image].map { Camera(width: width, height: height, intrinsics: intrinsics.intrinsics, pose: $0) }
    }
}
