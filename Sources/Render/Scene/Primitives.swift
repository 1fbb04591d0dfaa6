import Foundation
import Geometry

// Procedural primitives, centred on the origin with +y up, with normals and texture coordinates.
// Triangles are wound counter-clockwise seen from outside (checked against the normals as built).

public enum Primitive: Equatable, Sendable {
    case sphere(radius: Double, segments: Int, rings: Int)
    /// Edge lengths along x, y, z.
    case box(size: SIMD3<Double>)
    /// Axis along y, from -height/2 to +height/2, with caps.
    case cylinder(radius: Double, height: Double, segments: Int)
    /// Base disc at -height/2, apex at +height/2.
    case cone(radius: Double, height: Double, segments: Int)
    /// Ring around the y axis in the xz plane.
    case torus(majorRadius: Double, minorRadius: Double, segments: Int, sides: Int)
    /// Rectangle in the xz plane facing +y; size along x and z.
    case plane(size: SIMD2<Double>)

    public func mesh() -> Mesh {
        var b = MeshBuilder()
        switch self {
        case let .sphere(r, segments, rings): Primitive.buildSphere(&b, r, max(segments, 3), max(rings, 2))
        case let .box(size): Primitive.buildBox(&b, size)
        case let .cylinder(r, h, segments): Primitive.buildCylinder(&b, r, h, max(segments, 3))
        case let .cone(r, h, segments): Primitive.buildCone(&b, r, h, max(segments, 3))
        case let .torus(major, minor, segments, sides):
            Primitive.buildTorus(&b, major, minor, max(segments, 3), max(sides, 3))
        case let .plane(size): Primitive.buildPlane(&b, size)
        }
        return b.mesh
    }

    /// Open surfaces need both faces drawn.
    public var isOpen: Bool {
        if case .plane = self { return true }
        return false
    }

    private static func buildSphere(_ b: inout MeshBuilder, _ r: Double, _ segments: Int, _ rings: Int) {
        var grid: [[Int32]] = []
        for j in 0...rings {
            let theta = Double.pi * Double(j) / Double(rings)   // 0 at the top (+y)
            var row: [Int32] = []
            for i in 0...segments {
                let phi = 2 * Double.pi * Double(i) / Double(segments)
                let n = SIMD3(sin(theta) * sin(phi), cos(theta), sin(theta) * cos(phi))
                row.append(b.vertex(r * n, normal: n, uv: SIMD2(Double(i) / Double(segments), 1 - Double(j) / Double(rings))))
            }
            grid.append(row)
        }
        for j in 0..<rings { for i in 0..<segments {
            b.orientedQuad(grid[j][i], grid[j + 1][i], grid[j + 1][i + 1], grid[j][i + 1])
        } }
    }

    private static func buildBox(_ b: inout MeshBuilder, _ size: SIMD3<Double>) {
        let h = size / 2
        // Each face: outward normal and two in-face axes (u to the right, v up, seen from outside).
        let faces: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)] = [
            (SIMD3(1, 0, 0), SIMD3(0, 0, -1), SIMD3(0, 1, 0)), (SIMD3(-1, 0, 0), SIMD3(0, 0, 1), SIMD3(0, 1, 0)),
            (SIMD3(0, 1, 0), SIMD3(1, 0, 0), SIMD3(0, 0, -1)), (SIMD3(0, -1, 0), SIMD3(1, 0, 0), SIMD3(0, 0, 1)),
            (SIMD3(0, 0, 1), SIMD3(1, 0, 0), SIMD3(0, 1, 0)), (SIMD3(0, 0, -1), SIMD3(-1, 0, 0), SIMD3(0, 1, 0)),
        ]
        for (n, u, v) in faces {
            let corners = [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)].map { (su, sv) in
                b.vertex(h * (n + su * u + sv * v), normal: n, uv: SIMD2((su + 1) / 2, (sv + 1) / 2))
            }
            b.orientedQuad(corners[0], corners[1], corners[2], corners[3])
        }
    }

    private static func buildCylinder(_ b: inout MeshBuilder, _ r: Double, _ height: Double, _ segments: Int) {
        let y0 = -height / 2, y1 = height / 2
        var bottom: [Int32] = [], top: [Int32] = []
        for i in 0...segments {
            let phi = 2 * Double.pi * Double(i) / Double(segments)
            let n = SIMD3(sin(phi), 0, cos(phi))
            let u = Double(i) / Double(segments)
            bottom.append(b.vertex(SIMD3(r * n.x, y0, r * n.z), normal: n, uv: SIMD2(u, 0)))
            top.append(b.vertex(SIMD3(r * n.x, y1, r * n.z), normal: n, uv: SIMD2(u, 1)))
        }
        for i in 0..<segments { b.orientedQuad(bottom[i], bottom[i + 1], top[i + 1], top[i]) }
        buildDisc(&b, r, y1, SIMD3(0, 1, 0), segments)
        buildDisc(&b, r, y0, SIMD3(0, -1, 0), segments)
    }

    private static func buildCone(_ b: inout MeshBuilder, _ r: Double, _ height: Double, _ segments: Int) {
        let y0 = -height / 2, y1 = height / 2
        let slope = r / max(height, 1e-12)
        for i in 0..<segments {
            let phiA = 2 * Double.pi * Double(i) / Double(segments)
            let phiB = 2 * Double.pi * Double(i + 1) / Double(segments)
            let phiM = (phiA + phiB) / 2
            func normal(_ phi: Double) -> SIMD3<Double> { normalize(SIMD3(sin(phi), slope, cos(phi))) }
            let a = b.vertex(SIMD3(r * sin(phiA), y0, r * cos(phiA)), normal: normal(phiA),
                             uv: SIMD2(Double(i) / Double(segments), 0))
            let c = b.vertex(SIMD3(r * sin(phiB), y0, r * cos(phiB)), normal: normal(phiB),
                             uv: SIMD2(Double(i + 1) / Double(segments), 0))
            let apex = b.vertex(SIMD3(0, y1, 0), normal: normal(phiM), uv: SIMD2((Double(i) + 0.5) / Double(segments), 1))
            b.orientedTriangle(a, c, apex)
        }
        buildDisc(&b, r, y0, SIMD3(0, -1, 0), segments)
    }

    private static func buildDisc(_ b: inout MeshBuilder, _ r: Double, _ y: Double, _ n: SIMD3<Double>, _ segments: Int) {
        let centre = b.vertex(SIMD3(0, y, 0), normal: n, uv: SIMD2(0.5, 0.5))
        var ring: [Int32] = []
        for i in 0...segments {
            let phi = 2 * Double.pi * Double(i) / Double(segments)
            ring.append(b.vertex(SIMD3(r * sin(phi), y, r * cos(phi)), normal: n,
                                 uv: SIMD2(0.5 + 0.5 * sin(phi), 0.5 + 0.5 * cos(phi))))
        }
        for i in 0..<segments { b.orientedTriangle(centre, ring[i], ring[i + 1]) }
    }

    private static func buildTorus(_ b: inout MeshBuilder, _ major: Double, _ minor: Double, _ segments: Int, _ sides: Int) {
        var grid: [[Int32]] = []
        for i in 0...segments {
            let phi = 2 * Double.pi * Double(i) / Double(segments)
            let radial = SIMD3(sin(phi), 0, cos(phi))
            var row: [Int32] = []
            for j in 0...sides {
                let psi = 2 * Double.pi * Double(j) / Double(sides)
                let n = cos(psi) * radial + sin(psi) * SIMD3(0, 1, 0)
                row.append(b.vertex(major * radial + minor * n, normal: n,
                                    uv: SIMD2(Double(i) / Double(segments), Double(j) / Double(sides))))
            }
            grid.append(row)
        }
        for i in 0..<segments { for j in 0..<sides {
            b.orientedQuad(grid[i][j], grid[i + 1][j], grid[i + 1][j + 1], grid[i][j + 1])
        } }
    }

    private static func buildPlane(_ b: inout MeshBuilder, _ size: SIMD2<Double>) {
        let hx = size.x / 2, hz = size.y / 2, n = SIMD3<Double>(0, 1, 0)
        // Seen from above with -z away from the viewer: u grows with x, v grows toward -z.
        let a = b.vertex(SIMD3(-hx, 0, hz), normal: n, uv: SIMD2(0, 0))
        let c = b.vertex(SIMD3(hx, 0, hz), normal: n, uv: SIMD2(1, 0))
        let d = b.vertex(SIMD3(hx, 0, -hz), normal: n, uv: SIMD2(1, 1))
        let e = b.vertex(SIMD3(-hx, 0, -hz), normal: n, uv: SIMD2(0, 1))
        b.orientedQuad(a, c, d, e)
    }
}

extension MeshBuilder {
    private func position(_ i: Int32) -> SIMD3<Double> {
        let k = 3 * Int(i)
        return SIMD3(Double(mesh.positions[k]), Double(mesh.positions[k + 1]), Double(mesh.positions[k + 2]))
    }

    private func normal(_ i: Int32) -> SIMD3<Double> {
        let k = 3 * Int(i)
        return SIMD3(Double(mesh.normals[k]), Double(mesh.normals[k + 1]), Double(mesh.normals[k + 2]))
    }

    /// Adds the triangle wound so that its face normal agrees with its vertex normals; drops
    /// degenerate ones (the collapsed quads at a sphere's poles).
    mutating func orientedTriangle(_ a: Int32, _ b: Int32, _ c: Int32) {
        let face = cross(position(b) - position(a), position(c) - position(a))
        guard length(face) > 1e-12 else { return }
        if dot(face, normal(a) + normal(b) + normal(c)) >= 0 { triangle(a, b, c) } else { triangle(a, c, b) }
    }

    mutating func orientedQuad(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) {
        orientedTriangle(a, b, c); orientedTriangle(a, c, d)
    }
}
