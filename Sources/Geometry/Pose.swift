// Rigid world-to-camera transform in OpenCV axes (x right, y down, z forward).

public struct Pose: Equatable, Sendable {
    public var rotation: Mat3
    public var translation: Vec3

    public init(rotation: Mat3, translation: Vec3) {
        self.rotation = rotation; self.translation = translation
    }

    public static let identity = Pose(rotation: .identity, translation: .zero)

    /// World point -> camera coordinates: R x + t.
    public func apply(_ worldPoint: Vec3) -> Vec3 { rotation * worldPoint + translation }

    /// Camera-to-world transform (as a Pose, mapping camera points back into the world).
    public var inverse: Pose {
        let rt = rotation.transposed
        return Pose(rotation: rt, translation: -(rt * translation))
    }

    /// self ∘ other: apply `other` first, then `self`.
    public func composed(with other: Pose) -> Pose {
        Pose(rotation: rotation * other.rotation, translation: rotation * other.translation + translation)
    }

    /// Camera centre in world coordinates: -Rᵀ t.
    public var center: Vec3 { -(rotation.transposed * translation) }

    /// Camera at `eye` whose optical axis (+z) points at `target`, rolled so that `up` points
    /// up on screen (toward negative image y). If `up` is parallel to the view direction another
    /// perpendicular up is chosen so the result is always a valid rotation.
    public init(lookingFrom eye: Vec3, at target: Vec3, up: Vec3) {
        var forward = normalize(target - eye)
        if length(forward) == 0 { forward = Vec3(0, 0, 1) }
        var right = cross(forward, up)
        let upLength = length(up)
        if upLength == 0 || length(right) <= 1e-9 * upLength {
            // Up is (anti)parallel to the view direction: any perpendicular will do.
            let helper = abs(forward.x) < 0.9 ? Vec3(1, 0, 0) : Vec3(0, 1, 0)
            right = cross(forward, helper)
        }
        right = normalize(right)
        let down = cross(forward, right)
        let r = Mat3(rows: right, down, forward)
        self.init(rotation: r, translation: -(r * eye))
    }

    /// Flips camera axes between OpenCV (y down, z forward) and OpenGL (y up, z backward).
    static let openCVFromOpenGL = Mat3(diagonal: Vec3(1, -1, -1))

    /// Builds a pose from a camera-to-world matrix in OpenGL axes (x right, y up, z backward),
    /// the convention of NeRF / nerfstudio `transform_matrix`. Accepts 4×4 or 3×4 row-major;
    /// entries that are missing read as those of the identity (use
    /// `init(checkedOpenGLCameraToWorld:)` to reject malformed input instead).
    public init(openGLCameraToWorld m: [[Double]]) {
        func at(_ r: Int, _ c: Int) -> Double {
            r < m.count && c < m[r].count ? m[r][c] : (r == c ? 1 : 0)
        }
        let glRotation = Mat3(rows: Vec3(at(0, 0), at(0, 1), at(0, 2)),
                              Vec3(at(1, 0), at(1, 1), at(1, 2)),
                              Vec3(at(2, 0), at(2, 1), at(2, 2)))
        let centre = Vec3(at(0, 3), at(1, 3), at(2, 3))
        // OpenCV camera-to-world rotation = GL one with camera y and z flipped.
        let cameraToWorld = glRotation * Pose.openCVFromOpenGL
        let r = cameraToWorld.transposed
        self.init(rotation: r, translation: -(r * centre))
    }

    /// Like `init(openGLCameraToWorld:)` but throws unless `m` is 3×4 or 4×4 with finite
    /// entries, a last row of (0, 0, 0, 1) when present, and a rotation block that is
    /// orthonormal with determinant +1 to within 1e-4 (it is then re-orthonormalised exactly).
    /// `file` and `key` name the source in the error.
    public init(checkedOpenGLCameraToWorld m: [[Double]], file: String = "", key: String = "transform_matrix") throws {
        guard m.count == 3 || m.count == 4, m.allSatisfy({ $0.count == 4 }) else {
            throw GeometryError.wrongType(file: file, key: key, expected: "a 4×4 (or 3×4) array of numbers")
        }
        guard m.allSatisfy({ $0.allSatisfy { $0.isFinite } }) else {
            throw GeometryError.invalidValue(file: file, key: key, reason: "contains a non-finite number")
        }
        if m.count == 4 {
            let last = m[3]
            guard abs(last[0]) < 1e-9, abs(last[1]) < 1e-9, abs(last[2]) < 1e-9, abs(last[3] - 1) < 1e-9 else {
                throw GeometryError.invalidValue(file: file, key: key, reason: "last row must be [0, 0, 0, 1]")
            }
        }
        let block = Mat3(rows: Vec3(m[0][0], m[0][1], m[0][2]), Vec3(m[1][0], m[1][1], m[1][2]),
                         Vec3(m[2][0], m[2][1], m[2][2]))
        guard (block.transposed * block).maxAbsDifference(.identity) < 1e-4, block.determinant > 0 else {
            throw GeometryError.invalidValue(file: file, key: key,
                                             reason: "rotation part is not a proper rotation (scaled, sheared or reflected)")
        }
        var cleaned = m
        let rot = nearestRotation(to: block)
        for r in 0..<3 { for c in 0..<3 { cleaned[r][c] = rot[r, c] } }
        self.init(openGLCameraToWorld: cleaned)
    }

    /// Camera-to-world 4×4 in OpenGL axes (inverse of `init(openGLCameraToWorld:)`).
    public var openGLCameraToWorld: [[Double]] {
        let glRotation = rotation.transposed * Pose.openCVFromOpenGL
        let c = center
        return [[glRotation[0, 0], glRotation[0, 1], glRotation[0, 2], c.x],
                [glRotation[1, 0], glRotation[1, 1], glRotation[1, 2], c.y],
                [glRotation[2, 0], glRotation[2, 1], glRotation[2, 2], c.z],
                [0, 0, 0, 1]]
    }
}

/// Closest rotation matrix (Frobenius norm) to `m`, via SVD.
public func nearestRotation(to m: Mat3) -> Mat3 {
    let (u, _, v) = SVD3.decompose(m)
    var r = u * v.transposed
    if r.determinant < 0 {
        let flip = Mat3(diagonal: Vec3(1, 1, -1))
        r = u * flip * v.transposed
    }
    return r
}
