import Foundation
import Geometry
import Yams

/// Objects of a recipe: shapes, meshes, procedural objects, textures, transforms, keyframes.
extension RecipeReader {
    static let shapeKeys = ["sphere", "box", "cylinder", "cone", "torus", "plane", "mesh", "procedural"]

    func object(_ node: RecipeNode, index: Int) throws -> SceneObject {
        let f = try node.fields(["name"] + RecipeReader.shapeKeys + ["color", "texture", "transform", "keyframes", "doubleSided"])
        let name = try f["name"]?.string() ?? "object\(index)"
        let (kind, shapeNode) = try f.exactlyOne(of: RecipeReader.shapeKeys)
        let color = try f["color"]?.color()
        let texture = try f["texture"].map { try self.texture($0, salt: UInt64(index)) }
        let doubleSided = try f["doubleSided"]?.bool()
        var parts: [ScenePart]
        switch kind {
        case "mesh":
            let path = try shapeNode.string()
            let url = URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RenderError.missingFile(file: node.file, key: shapeNode.path, path: url.path)
            }
            do { parts = try ObjFile.load(url) } catch let error as RenderError {
                throw shapeNode.fail(error.description)
            }
            for k in parts.indices {
                if let color { parts[k].material.color *= color }
                if let texture { parts[k].material.texture = texture }
                if let doubleSided { parts[k].material.doubleSided = doubleSided }
            }
        case "procedural":
            let p = try shapeNode.fields(["parts", "seed", "textureResolution"])
            var range = 2...6
            if let partsNode = p["parts"] {
                let bounds = try partsNode.numbers(count: 2)
                guard let lo = Int(exactly: bounds[0]), let hi = Int(exactly: bounds[1]), 1 <= lo, lo <= hi, hi <= 32 else {
                    throw partsNode.fail("expected [min, max] whole numbers with 1 ≤ min ≤ max ≤ 32")
                }
                range = lo...hi
            }
            let offset = try p["seed"]?.int(in: 0...Int(Int32.max)) ?? 0
            let resolution = try p.int("textureResolution", in: 8...2048, default: 128)
            parts = ProceduralObject.generate(seed: deriveSeed(seed, UInt64(offset)), partCount: range,
                                              textureResolution: resolution).parts
        default:
            let primitive = try self.primitive(kind, shapeNode)
            let material = Material(color: color ?? SIMD3(1, 1, 1), texture: texture,
                                    doubleSided: doubleSided ?? primitive.isOpen)
            parts = [ScenePart(mesh: primitive.mesh(), material: material)]
        }
        let base = try f["transform"].map(transform) ?? .identity
        let keyframes = try f["keyframes"]?.list().map(keyframe) ?? []
        return SceneObject(name: name, parts: parts, animation: Animation(base: base, keyframes: keyframes))
    }

    func primitive(_ kind: String, _ node: RecipeNode) throws -> Primitive {
        // `sphere:` with nothing after it takes every default.
        let empty: Bool
        if case .scalar(let s) = node.node, s.string.isEmpty || s.string == "~" || s.string == "null" { empty = true } else { empty = false }
        let emptyMapping = RecipeNode(node: Node([(Node, Node)]()), path: node.path, file: node.file)
        let source = empty ? emptyMapping : node
        let segmentRange = 3...1024
        switch kind {
        case "sphere":
            let f = try source.fields(["radius", "segments", "rings"])
            return .sphere(radius: try f.positive("radius", default: 0.5),
                           segments: try f.int("segments", in: segmentRange, default: 48),
                           rings: try f.int("rings", in: 2...1024, default: 24))
        case "box":
            let f = try source.fields(["size"])
            let size = try f["size"]?.scale() ?? Vec3(1, 1, 1)
            guard size.x > 0, size.y > 0, size.z > 0 else { throw try f.require("size").fail("sizes must be positive") }
            return .box(size: size)
        case "cylinder", "cone":
            let f = try source.fields(["radius", "height", "segments"])
            let r = try f.positive("radius", default: 0.5), h = try f.positive("height", default: 1)
            let s = try f.int("segments", in: segmentRange, default: 48)
            return kind == "cone" ? .cone(radius: r, height: h, segments: s) : .cylinder(radius: r, height: h, segments: s)
        case "torus":
            let f = try source.fields(["majorRadius", "minorRadius", "segments", "sides"])
            return .torus(majorRadius: try f.positive("majorRadius", default: 0.5),
                          minorRadius: try f.positive("minorRadius", default: 0.2),
                          segments: try f.int("segments", in: segmentRange, default: 48),
                          sides: try f.int("sides", in: segmentRange, default: 24))
        default:  // plane
            let f = try source.fields(["size"])
            guard let sizeNode = f["size"] else { return .plane(size: SIMD2(1, 1)) }
            let v = try sizeNode.numbers(count: 2)
            guard v[0] > 0, v[1] > 0 else { throw sizeNode.fail("sizes must be positive") }
            return .plane(size: SIMD2(v[0], v[1]))
        }
    }

    static let textureKinds = ["checker", "stripes", "noise", "image"]

    func texture(_ node: RecipeNode, salt: UInt64) throws -> Texture {
        let kind = try node.fields(RecipeReader.textureKeysAll).require("kind")
        let kindName = try kind.string()
        guard RecipeReader.textureKinds.contains(kindName) else {
            throw kind.fail("unknown texture kind \"\(kindName)\"; expected one of: \(RecipeReader.textureKinds.joined(separator: ", "))")
        }
        if kindName == "image" {
            let f = try node.fields(["kind", "file"])
            let fileNode = try f.require("file")
            let url = URL(fileURLWithPath: try fileNode.string(), relativeTo: folder).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RenderError.missingFile(file: node.file, key: fileNode.path, path: url.path)
            }
            do { return try ObjFile.loadTexture(url) } catch let error as RenderError { throw fileNode.fail(error.description) }
        }
        var keys = ["kind", "scale", "colors", "resolution"]
        if kindName == "stripes" { keys.append("angle") }
        if kindName == "noise" { keys.append("seed") }
        let f = try node.fields(keys)
        let scale = try f.int("scale", in: 1...1024, default: 8)
        let resolution = try f.int("resolution", in: 8...4096, default: 256)
        var colors: [SIMD3<Float>] = [SIMD3(0.9, 0.9, 0.9), SIMD3(0.15, 0.15, 0.15)]
        if let colorsNode = f["colors"] {
            let items = try colorsNode.list()
            guard items.count == 2 else { throw colorsNode.wrongType("a list of two colours") }
            colors = try items.map { try $0.color() }
        }
        let pattern: ProceduralTexture
        switch kindName {
        case "checker": pattern = .checker(scale: scale, colors: colors)
        case "stripes": pattern = .stripes(scale: scale, angleDegrees: try f.double("angle", default: 0), colors: colors)
        default:
            let offset = try f["seed"]?.int(in: 0...Int(Int32.max)) ?? 0
            pattern = .noise(scale: scale, seed: deriveSeed(deriveSeed(seed, 0x7E57 &+ salt), UInt64(offset)), colors: colors)
        }
        return pattern.texture(resolution: resolution)
    }

    static let textureKeysAll = ["kind", "scale", "colors", "resolution", "angle", "seed", "file"]

    func transform(_ node: RecipeNode) throws -> ObjectTransform {
        let f = try node.fields(["translate", "rotate", "scale"])
        return ObjectTransform(translation: try f.vec3("translate", default: .zero),
                               rotationDegrees: try f.vec3("rotate", default: .zero),
                               scale: try f["scale"]?.scale() ?? Vec3(1, 1, 1))
    }

    func keyframe(_ node: RecipeNode) throws -> Keyframe {
        let f = try node.fields(["time", "translate", "rotate", "scale", "color"])
        let tint = try f["color"]?.color()
        return Keyframe(time: try f.require("time").double(),
                        translation: try f["translate"]?.vec3(),
                        rotationDegrees: try f["rotate"]?.vec3(),
                        scale: try f["scale"]?.scale(),
                        tint: tint.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) })
    }
}
