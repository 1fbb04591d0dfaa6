import CSplat
import Geometry

/// A pinhole camera for splatting: OpenCV axes (x right, y down, z forward), world-to-camera
/// `x_cam = R x_world + t`, pixels `u = fx x/z + cx`, `v = fy y/z + cy`; pixel (i, j) is
/// evaluated at its centre (i + 0.5, j + 0.5), as in the Geometry module. No lens distortion.
public struct SplatCamera: Equatable {
    /// World-to-camera rotation, 3 × 3 row-major.
    public var rotation: [Float]
    /// World-to-camera translation.
    public var translation: [Float]
    public var fx: Float
    public var fy: Float
    public var cx: Float
    public var cy: Float
    public var width: Int
    public var height: Int
    /// Splats at camera depth at or below this are culled.
    public var nearPlane: Float

    public init(rotation: [Float], translation: [Float], fx: Float, fy: Float, cx: Float, cy: Float,
                width: Int, height: Int, nearPlane: Float = 0.01) {
        self.rotation = rotation
        self.translation = translation
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
        self.width = width
        self.height = height
        self.nearPlane = nearPlane
    }

    /// Checks sizes, finiteness and that the rotation is orthonormal with determinant +1.
    public func validate() throws {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            throw SplatsError.badCamera(field: "size", reason: "\(width) × \(height) is not in 1...32768")
        }
        guard rotation.count == 9, rotation.allSatisfy(\.isFinite) else {
            throw SplatsError.badCamera(field: "rotation", reason: "needs 9 finite floats")
        }
        guard translation.count == 3, translation.allSatisfy(\.isFinite) else {
            throw SplatsError.badCamera(field: "translation", reason: "needs 3 finite floats")
        }
        guard fx > 0, fy > 0, fx.isFinite, fy.isFinite, cx.isFinite, cy.isFinite else {
            throw SplatsError.badCamera(field: "intrinsics", reason: "focal lengths must be positive and all finite")
        }
        guard nearPlane > 0, nearPlane.isFinite else {
            throw SplatsError.badCamera(field: "nearPlane", reason: "\(nearPlane) must be positive")
        }
        for i in 0..<3 {
            for j in 0..<3 {
                var dot: Float = 0
                for k in 0..<3 { dot += rotation[3 * i + k] * rotation[3 * j + k] }
                if abs(dot - (i == j ? 1 : 0)) > 1e-3 {
                    throw SplatsError.badCamera(field: "rotation", reason: "rows are not orthonormal")
                }
            }
        }
        let r = rotation
        let det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6])
        if det < 0 { throw SplatsError.badCamera(field: "rotation", reason: "is a reflection (determinant -1)") }
    }

    /// The camera as the C kernels take it.
    var kernelCamera: csplat_camera {
        var c = csplat_camera()
        withUnsafeMutableBytes(of: &c.rotation) { raw in
            let p = raw.bindMemory(to: Float.self)
            for k in 0..<9 { p[k] = rotation[k] }
        }
        withUnsafeMutableBytes(of: &c.translation) { raw in
            let p = raw.bindMemory(to: Float.self)
            for k in 0..<3 { p[k] = translation[k] }
        }
        c.fx = fx
        c.fy = fy
        c.cx = cx
        c.cy = cy
        c.width = Int32(width)
        c.height = Int32(height)
        c.near_plane = nearPlane
        return c
    }
}

extension SplatCamera {
    /// The splat camera of a Geometry camera (same axes, pose and pixel-centre convention).
    /// Splats are rendered with an ideal pinhole: a camera with lens distortion is refused, so
    /// undistort its images first.
    public init(_ camera: Geometry.Camera, nearPlane: Float = 0.01) throws {
        guard camera.intrinsics.distortion.isNone else {
            throw SplatsError.badCamera(field: "intrinsics.distortion",
                                        reason: "splats render an ideal pinhole; undistort the images first")
        }
        let r = camera.pose.rotation, t = camera.pose.translation, k = camera.intrinsics
        self.init(rotation: [r.r0.x, r.r0.y, r.r0.z, r.r1.x, r.r1.y, r.r1.z, r.r2.x, r.r2.y, r.r2.z].map { Float($0) },
                  translation: [t.x, t.y, t.z].map { Float($0) },
                  fx: Float(k.fx), fy: Float(k.fy), cx: Float(k.cx), cy: Float(k.cy),
                  width: camera.width, height: camera.height, nearPlane: nearPlane)
        try validate()
    }
}
