import CRender
import Geometry

/// Triangles of a scene at one time, seen by one camera: near-clipped, culled and projected into
/// the flat arrays the C rasterizer reads (layout documented in CRender.h).
struct TriangleSetup {
    var screen: [Float] = []
    var attributes: [Float] = []
    var texture: [Int32] = []
    var count: Int { texture.count }

    /// `textureIndex[o][p]` is the packed texture of part p of object o, or -1.
    init(scene: Scene, textureIndex: [[Int32]], camera: Camera, time: Double, near: Double) {
        let expected = scene.triangleCount
        screen.reserveCapacity(9 * expected)
        attributes.reserveCapacity(3 * Int(CR_CORNER_ATTRIBUTES) * expected)
        texture.reserveCapacity(expected)
        let r = camera.pose.rotation, t = camera.pose.translation
        let k = camera.intrinsics
        let view = Projection(fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy, width: Double(camera.width),
                              height: Double(camera.height), near: near)
        for (o, object) in scene.objects.enumerated() {
            let placement = object.animation.transform(at: time).affine
            let tint = object.animation.tint(at: time)
            for (p, part) in object.parts.enumerated() {
                let model = placement.composed(with: part.placement)
                let color = SIMD3<Double>(Double(part.material.color.x), Double(part.material.color.y),
                                          Double(part.material.color.z)) * tint
                addPart(part, model: model, rotation: r, translation: t, view: view, color: color,
                        textureIndex: textureIndex[o][p])
            }
        }
    }

    private struct Projection {
        var fx, fy, cx, cy, width, height, near: Double
    }

    /// Corner data carried through clipping: camera-space position and the 8 attributes.
    private struct Corner {
        var p: Vec3
        var a: (Double, Double, Double, Double, Double, Double, Double, Double)

        func lerp(_ o: Corner, _ w: Double) -> Corner {
            func m(_ x: Double, _ y: Double) -> Double { x + (y - x) * w }
            return Corner(p: p + (o.p - p) * w,
                          a: (m(a.0, o.a.0), m(a.1, o.a.1), m(a.2, o.a.2), m(a.3, o.a.3),
                              m(a.4, o.a.4), m(a.5, o.a.5), m(a.6, o.a.6), m(a.7, o.a.7)))
        }
    }

    private mutating func addPart(_ part: ScenePart, model: Affine, rotation r: Mat3, translation t: Vec3,
                                  view: Projection, color: SIMD3<Double>, textureIndex: Int32) {
        let mesh = part.mesh
        let n = mesh.vertexCount
        let toCamera = Affine(linear: r * model.linear, translation: r * model.translation + t)
        // Normals transform by the inverse transpose; mirrored placements flip the winding.
        let normalMatrix = model.linear.inverse()?.transposed ?? .identity
        let mirrored = model.linear.determinant < 0
        var cameraPoints = [Vec3](repeating: .zero, count: n)
        var worldNormals = [Vec3](repeating: .zero, count: n)
        mesh.positions.withUnsafeBufferPointer { pos in
            mesh.normals.withUnsafeBufferPointer { nor in
                for v in 0..<n {
                    let local = Vec3(Double(pos[3 * v]), Double(pos[3 * v + 1]), Double(pos[3 * v + 2]))
                    cameraPoints[v] = toCamera.apply(local)
                    let normal = Vec3(Double(nor[3 * v]), Double(nor[3 * v + 1]), Double(nor[3 * v + 2]))
                    if normal != .zero { worldNormals[v] = normalize(normalMatrix * normal) }
                }
            }
        }
        let rotationT = r.transposed
        let doubleSided = part.material.doubleSided
        mesh.indices.withUnsafeBufferPointer { idx in
            mesh.uvs.withUnsafeBufferPointer { uv in
                mesh.colors.withUnsafeBufferPointer { col in
                    for tri in 0..<(idx.count / 3) {
                        let i0 = Int(idx[3 * tri]), i1 = Int(idx[3 * tri + 1]), i2 = Int(idx[3 * tri + 2])
                        let p0 = cameraPoints[i0], p1 = cameraPoints[i1], p2 = cameraPoints[i2]
                        if p0.z < view.near && p1.z < view.near && p2.z < view.near { continue }
                        var face = cross(p1 - p0, p2 - p0)
                        if mirrored { face = -face }
                        let faceLength = length(face)
                        if !(faceLength > 0) { continue }
                        let back = dot(face, p0) > 0
                        if back && !doubleSided { continue }
                        // Lit side faces the camera; a missing normal falls back to the face normal.
                        let faceWorld = rotationT * (face / faceLength)
                        let sign: Double = back ? -1 : 1
                        func corner(_ i: Int, _ p: Vec3) -> Corner {
                            let nw = worldNormals[i] == .zero ? faceWorld : worldNormals[i]
                            let s = nw * sign
                            return Corner(p: p, a: (Double(uv[2 * i]), Double(uv[2 * i + 1]),
                                                    Double(col[3 * i]) * color.x, Double(col[3 * i + 1]) * color.y,
                                                    Double(col[3 * i + 2]) * color.z, s.x, s.y, s.z))
                        }
                        let c0 = corner(i0, p0), c1 = corner(i1, p1), c2 = corner(i2, p2)
                        if p0.z >= view.near && p1.z >= view.near && p2.z >= view.near {
                            emit(c0, c1, c2, view: view, textureIndex: textureIndex)
                        } else {
                            let polygon = clipNear([c0, c1, c2], near: view.near)
                            for k in stride(from: 1, to: polygon.count - 1, by: 1) {
                                emit(polygon[0], polygon[k], polygon[k + 1], view: view, textureIndex: textureIndex)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sutherland–Hodgman against z = near: keeps the part with z ≥ near (3 or 4 corners).
    private func clipNear(_ corners: [Corner], near: Double) -> [Corner] {
        var out: [Corner] = []
        for k in 0..<3 {
            let a = corners[k], b = corners[(k + 1) % 3]
            let aIn = a.p.z >= near, bIn = b.p.z >= near
            if aIn { out.append(a) }
            if aIn != bIn { out.append(a.lerp(b, (near - a.p.z) / (b.p.z - a.p.z))) }
        }
        return out
    }

    private mutating func emit(_ a: Corner, _ b: Corner, _ c: Corner, view: Projection, textureIndex: Int32) {
        func project(_ p: Vec3) -> (Double, Double) { (view.fx * p.x / p.z + view.cx, view.fy * p.y / p.z + view.cy) }
        let (x0, y0) = project(a.p), (x1, y1) = project(b.p), (x2, y2) = project(c.p)
        // Entirely off one side of the image: nothing to draw.
        if (x0 < 0 && x1 < 0 && x2 < 0) || (y0 < 0 && y1 < 0 && y2 < 0) { return }
        if (x0 > view.width && x1 > view.width && x2 > view.width) || (y0 > view.height && y1 > view.height && y2 > view.height) { return }
        screen.append(Float(x0)); screen.append(Float(y0)); screen.append(Float(1 / a.p.z))
        screen.append(Float(x1)); screen.append(Float(y1)); screen.append(Float(1 / b.p.z))
        screen.append(Float(x2)); screen.append(Float(y2)); screen.append(Float(1 / c.p.z))
        appendAttributes(a.a); appendAttributes(b.a); appendAttributes(c.a)
        texture.append(textureIndex)
    }

    private mutating func appendAttributes(_ v: (Double, Double, Double, Double, Double, Double, Double, Double)) {
        attributes.append(Float(v.0)); attributes.append(Float(v.1)); attributes.append(Float(v.2))
        attributes.append(Float(v.3)); attributes.append(Float(v.4)); attributes.append(Float(v.5))
        attributes.append(Float(v.6)); attributes.append(Float(v.7))
    }
}
