// An indexed triangle mesh as flat arrays (struct of arrays), ready for the rasterizer.

public struct Mesh: Equatable, Sendable {
    /// 3 per vertex (x, y, z), object space.
    public var positions: [Float]
    /// 3 per vertex, unit length; a zero normal means "use the face normal".
    public var normals: [Float]
    /// 2 per vertex (u, v) with v = 0 at the bottom of the texture (OBJ convention).
    public var uvs: [Float]
    /// 3 per vertex (r, g, b), multiplied with the material colour.
    public var colors: [Float]
    /// 3 per triangle, counter-clockwise seen from the front (outward normal by the right-hand rule).
    public var indices: [Int32]

    public init(positions: [Float], normals: [Float], uvs: [Float], colors: [Float], indices: [Int32]) {
        self.positions = positions; self.normals = normals; self.uvs = uvs
        self.colors = colors; self.indices = indices
    }

    public var vertexCount: Int { positions.count / 3 }
    public var triangleCount: Int { indices.count / 3 }

    /// Checks array sizes and index ranges; `name` says which mesh in the error.
    public func validate(name: String) throws {
        let n = vertexCount
        guard positions.count == 3 * n, normals.count == 3 * n, uvs.count == 2 * n, colors.count == 3 * n,
              indices.count % 3 == 0 else {
            throw RenderError.invalidSetting(name: name, reason: "mesh arrays have inconsistent sizes")
        }
        guard indices.allSatisfy({ $0 >= 0 && Int($0) < n }) else {
            throw RenderError.invalidSetting(name: name, reason: "mesh has an index out of range")
        }
        guard positions.allSatisfy({ $0.isFinite }) else {
            throw RenderError.invalidSetting(name: name, reason: "mesh has a non-finite position")
        }
    }

    /// Smallest and largest corner of the axis-aligned bounding box (zero for an empty mesh).
    public var bounds: (min: SIMD3<Float>, max: SIMD3<Float>) {
        guard vertexCount > 0 else { return (.zero, .zero) }
        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
        for v in 0..<vertexCount {
            let p = SIMD3<Float>(positions[3 * v], positions[3 * v + 1], positions[3 * v + 2])
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        return (lo, hi)
    }
}

/// Builds a mesh vertex by vertex; used by the primitive generators.
struct MeshBuilder {
    var mesh = Mesh(positions: [], normals: [], uvs: [], colors: [], indices: [])

    /// Adds a vertex with white vertex colour and returns its index.
    @discardableResult
    mutating func vertex(_ p: SIMD3<Double>, normal n: SIMD3<Double>, uv: SIMD2<Double>) -> Int32 {
        let index = Int32(mesh.vertexCount)
        mesh.positions += [Float(p.x), Float(p.y), Float(p.z)]
        mesh.normals += [Float(n.x), Float(n.y), Float(n.z)]
        mesh.uvs += [Float(uv.x), Float(uv.y)]
        mesh.colors += [1, 1, 1]
        return index
    }

    mutating func triangle(_ a: Int32, _ b: Int32, _ c: Int32) {
        mesh.indices += [a, b, c]
    }

    /// Two triangles a-b-c and a-c-d of a counter-clockwise quad.
    mutating func quad(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) {
        triangle(a, b, c); triangle(a, c, d)
    }
}
