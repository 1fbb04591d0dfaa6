// Row-major 3×3 matrix of Doubles.

public struct Mat3: Equatable, Sendable {
    public var r0: Vec3, r1: Vec3, r2: Vec3

    public init(rows r0: Vec3, _ r1: Vec3, _ r2: Vec3) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    public init(columns c0: Vec3, _ c1: Vec3, _ c2: Vec3) {
        r0 = Vec3(c0.x, c1.x, c2.x)
        r1 = Vec3(c0.y, c1.y, c2.y)
        r2 = Vec3(c0.z, c1.z, c2.z)
    }

    /// Diagonal matrix diag(d).
    public init(diagonal d: Vec3) {
        self.init(rows: Vec3(d.x, 0, 0), Vec3(0, d.y, 0), Vec3(0, 0, d.z))
    }

    /// Builds from 9 values in row-major order; nil unless exactly 9 are given.
    public init?(rowMajor v: [Double]) {
        guard v.count == 9 else { return nil }
        self.init(rows: Vec3(v[0], v[1], v[2]), Vec3(v[3], v[4], v[5]), Vec3(v[6], v[7], v[8]))
    }

    public static let identity = Mat3(rows: Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1))
    public static let zero = Mat3(rows: .zero, .zero, .zero)

    public var c0: Vec3 { Vec3(r0.x, r1.x, r2.x) }
    public var c1: Vec3 { Vec3(r0.y, r1.y, r2.y) }
    public var c2: Vec3 { Vec3(r0.z, r1.z, r2.z) }

    /// Values in row-major order.
    public var rowMajor: [Double] { [r0.x, r0.y, r0.z, r1.x, r1.y, r1.z, r2.x, r2.y, r2.z] }

    public var transposed: Mat3 { Mat3(rows: c0, c1, c2) }

    public var determinant: Double { dot(r0, cross(r1, r2)) }

    public var trace: Double { r0.x + r1.y + r2.z }

    /// Frobenius norm.
    public var frobeniusNorm: Double { (dot(r0, r0) + dot(r1, r1) + dot(r2, r2)).squareRoot() }

    /// Inverse via the adjugate; nil when the matrix is singular (relative to its scale).
    public func inverse() -> Mat3? {
        // Columns of the adjugate-transposed are cross products of rows.
        let a = cross(r1, r2), b = cross(r2, r0), c = cross(r0, r1)
        let det = dot(r0, a)
        let scale = frobeniusNorm
        guard det.isFinite, scale > 0, abs(det) > 1e-300, abs(det) > 1e-14 * scale * scale * scale else { return nil }
        return Mat3(columns: a / det, b / det, c / det)
    }

    public subscript(row: Int, col: Int) -> Double {
        get {
            switch row {
            case 0: return r0[col]
            case 1: return r1[col]
            default: return r2[col]
            }
        }
        set {
            switch row {
            case 0: r0[col] = newValue
            case 1: r1[col] = newValue
            default: r2[col] = newValue
            }
        }
    }

    /// Cross-product matrix: skew(v) * w == cross(v, w).
    public static func skew(_ v: Vec3) -> Mat3 {
        Mat3(rows: Vec3(0, -v.z, v.y), Vec3(v.z, 0, -v.x), Vec3(-v.y, v.x, 0))
    }

    /// Outer product a bᵀ.
    public static func outer(_ a: Vec3, _ b: Vec3) -> Mat3 {
        Mat3(rows: a.x * b, a.y * b, a.z * b)
    }

    public static func * (a: Mat3, b: Mat3) -> Mat3 {
        Mat3(rows: a.r0.x * b.r0 + a.r0.y * b.r1 + a.r0.z * b.r2,
             a.r1.x * b.r0 + a.r1.y * b.r1 + a.r1.z * b.r2,
             a.r2.x * b.r0 + a.r2.y * b.r1 + a.r2.z * b.r2)
    }

    public static func * (a: Mat3, v: Vec3) -> Vec3 {
        Vec3(dot(a.r0, v), dot(a.r1, v), dot(a.r2, v))
    }

    public static func * (s: Double, a: Mat3) -> Mat3 { Mat3(rows: s * a.r0, s * a.r1, s * a.r2) }
    public static func + (a: Mat3, b: Mat3) -> Mat3 { Mat3(rows: a.r0 + b.r0, a.r1 + b.r1, a.r2 + b.r2) }
    public static func - (a: Mat3, b: Mat3) -> Mat3 { Mat3(rows: a.r0 - b.r0, a.r1 - b.r1, a.r2 - b.r2) }

    /// Largest absolute element difference; handy for tolerance checks.
    public func maxAbsDifference(_ other: Mat3) -> Double {
        (self - other).rowMajor.map { Swift.abs($0) }.max() ?? 0
    }
}
