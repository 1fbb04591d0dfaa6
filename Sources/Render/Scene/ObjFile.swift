import CGeometry
import Foundation
import Media

/// Wavefront OBJ (+ MTL, vertex colours, PNG diffuse textures) loaded through tinyobjloader.
public enum ObjFile {
    /// One part per material used (faces without a material share the last part), in order of
    /// first use. Missing normals become face normals at render time.
    public static func load(_ url: URL) throws -> [ScenePart] {
        let file = url.path
        guard FileManager.default.fileExists(atPath: file) else {
            throw RenderError.meshLoadFailed(file: file, reason: "file not found")
        }
        var message = [CChar](repeating: 0, count: 1024)
        guard let handle = v2w_obj_load(file, &message, Int32(message.count)) else {
            throw RenderError.meshLoadFailed(file: file, reason: String(cString: message))
        }
        defer { v2w_obj_free(handle) }

        var counts = V2WObjCounts()
        v2w_obj_counts(handle, &counts)
        let warningLength = Int(v2w_obj_warning(handle, nil, 0))
        if warningLength > 0 {
            var warning = [CChar](repeating: 0, count: warningLength + 1)
            _ = v2w_obj_warning(handle, &warning, Int32(warning.count))
            let text = String(cString: warning)
            // A material library the file names but that is not there would silently drop colours.
            if text.contains("not found") || text.contains("Failed to load material") {
                throw RenderError.meshLoadFailed(file: file, reason: text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let t = Int(counts.triangle_count)
        var positions = [Float](repeating: 0, count: 9 * t), normals = [Float](repeating: 0, count: 9 * t)
        var uvs = [Float](repeating: 0, count: 6 * t), colors = [Float](repeating: 1, count: 9 * t)
        var materialIDs = [Int32](repeating: -1, count: t)
        v2w_obj_fill_triangles(handle, &positions, &normals, &uvs, &colors, &materialIDs)

        let folder = url.deletingLastPathComponent()
        var materials: [Material] = []
        for m in 0..<Int(counts.material_count) {
            var diffuse = [Float](repeating: 1, count: 3)
            var name = [CChar](repeating: 0, count: 4096)
            guard v2w_obj_material(handle, Int32(m), &diffuse, &name, Int32(name.count)) == 0 else {
                throw RenderError.meshLoadFailed(file: file, reason: "material \(m) has a texture name too long")
            }
            let textureName = String(cString: name)
            var texture: Texture?
            if !textureName.isEmpty {
                texture = try loadTexture(folder.appendingPathComponent(textureName))
            }
            materials.append(Material(color: SIMD3(diffuse[0], diffuse[1], diffuse[2]), texture: texture))
        }

        // Group triangles by material, keeping file order within each group.
        var order: [Int32] = []
        var groups: [Int32: [Int]] = [:]
        for tri in 0..<t {
            var id = materialIDs[tri]
            if id < 0 || Int(id) >= materials.count { id = -1 }
            if groups[id] == nil { order.append(id) }
            groups[id, default: []].append(tri)
        }
        return order.map { id in
            let tris = groups[id] ?? []
            var mesh = Mesh(positions: [], normals: [], uvs: [], colors: [], indices: [])
            mesh.positions.reserveCapacity(9 * tris.count)
            for tri in tris {
                mesh.positions += positions[(9 * tri)..<(9 * tri + 9)]
                mesh.normals += normals[(9 * tri)..<(9 * tri + 9)]
                mesh.uvs += uvs[(6 * tri)..<(6 * tri + 6)]
                mesh.colors += colors[(9 * tri)..<(9 * tri + 9)]
            }
            mesh.indices = (0..<Int32(3 * tris.count)).map { $0 }
            let material = id >= 0 ? materials[Int(id)] : Material()
            return ScenePart(mesh: mesh, material: material)
        }
    }

    /// A PNG as an RGB texture (alpha dropped).
    public static func loadTexture(_ url: URL) throws -> Texture {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RenderError.textureLoadFailed(file: url.path, reason: "file not found")
        }
        let image: Image
        do { image = try PNGFile.read(url) } catch {
            throw RenderError.textureLoadFailed(file: url.path, reason: String(describing: error))
        }
        guard image.width > 0, image.height > 0, image.channels >= 1,
              image.pixels.count == image.width * image.height * image.channels else {
            throw RenderError.textureLoadFailed(file: url.path, reason: "empty or inconsistent image")
        }
        // Grey images repeat their one channel; alpha is dropped.
        let sources = image.channels >= 3 ? [0, 1, 2] : [0, 0, 0]
        var pixels = [Float](repeating: 0, count: 3 * image.width * image.height)
        for k in 0..<(image.width * image.height) {
            for c in 0..<3 { pixels[3 * k + c] = image.pixels[image.channels * k + sources[c]] }
        }
        return Texture(width: image.width, height: image.height, pixels: pixels)
    }
}
