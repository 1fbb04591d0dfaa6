import Foundation
import Geometry
import Yams

/// A scene recipe read from YAML (schema: Scenes/README.md): the scene, how it is filmed, and how
/// it is rendered. Files it names are resolved against the recipe's folder and loaded here, so a
/// recipe that loads is one that renders.
public struct SceneRecipe: Sendable {
    public var scene: Scene
    public var rig: CameraRig
    public var settings: RenderSettings
    /// Frame rate of render.mp4.
    public var fps: Double

    public init(scene: Scene, rig: CameraRig, settings: RenderSettings = RenderSettings(), fps: Double = 24) {
        self.scene = scene; self.rig = rig; self.settings = settings; self.fps = fps
    }

    /// Reads and checks a recipe; `seed` drives every random choice (procedural objects, noise
    /// textures, the handheld path).
    public static func load(_ url: URL, seed: UInt64 = 0) throws -> SceneRecipe {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RenderError.unparsableRecipe(file: url.path, reason: "file not found")
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw RenderError.unparsableRecipe(file: url.path, reason: error.localizedDescription)
        }
        return try parse(yaml: text, file: url.path, folder: url.deletingLastPathComponent(), seed: seed)
    }

    /// Like `load`, from text; `file` names the recipe in errors, `folder` resolves relative paths.
    public static func parse(yaml: String, file: String, folder: URL, seed: UInt64 = 0) throws -> SceneRecipe {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw RenderError.unparsableRecipe(file: file, reason: "the file is empty")
            }
            root = node
        } catch let error as RenderError {
            throw error
        } catch {
            throw RenderError.unparsableRecipe(file: file, reason: String(describing: error))
        }
        let reader = RecipeReader(folder: folder, seed: seed)
        return try reader.recipe(RecipeNode(node: root, path: "", file: file))
    }
}

/// Turns checked recipe nodes into scene values.
private struct RecipeReader {
    let folder: URL
    let seed: UInt64

    func recipe(_ root: RecipeNode) throws -> SceneRecipe {
        let f = try root.fields(["description", "background", "lighting", "objects", "camera", "render"])
        let settings = try f["render"].map(renderSettings) ?? RenderSettings()
        let objectNodes = try f.require("objects").list()
        guard !objectNodes.isEmpty else { throw try f.require("objects").fail("needs at least one object") }
        let objects = try objectNodes.enumerated().map { try object($0.element, index: $0.offset) }
        let scene = Scene(objects: objects,
                          lighting: try f["lighting"].map(lighting) ?? .standard,
                          background: try f["background"].map(background) ?? nil)
        let cameraNode = try f.require("camera")
        let rig = try camera(cameraNode)
        let fps = try f["render"].flatMap { try $0.fields(RecipeReader.renderKeys)["fps"]?.positive() } ?? rig.naturalFPS ?? 24
        return SceneRecipe(scene: scene, rig: rig, settings: settings, fps: fps)
    }

    // MARK: render settings, light, background

    static let renderKeys = ["supersample", "near", "fps"]

    func renderSettings(_ node: RecipeNode) throws -> RenderSettings {
        let f = try node.fields(RecipeReader.renderKeys)
        return RenderSettings(supersample: try f.int("supersample", in: 1...8, default: 2),
                              near: try f.positive("near", default: 0.01))
    }

    func background(_ node: RecipeNode) throws -> SIMD3<Float>? {
        if case .scalar(let s) = node.node, s.string == "transparent" { return nil }
        do { return try node.color() } catch {
            throw node.wrongType("a colour [r, g, b] in 0...1 or \"transparent\"")
        }
    }

    func lighting(_ node: RecipeNode) throws -> Lighting {
        let f = try node.fields(["ambient", "directional"])
        let lights = try f["directional"]?.list().map { item -> DirectionalLight in
            let l = try item.fields(["direction", "color"])
            let direction = try l.require("direction").vec3()
            guard length(direction) > 0 else { throw try l.require("direction").fail("direction must not be zero") }
            return DirectionalLight(direction: normalize(direction), color: try l.color("color", default: SIMD3(1, 1, 1)))
        } ?? []
        return Lighting(ambient: try f.color("ambient", default: SIMD3(repeating: 0.3)), lights: lights)
    }

    // MARK: objects

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

    // MARK: cameras

    func camera(_ node: RecipeNode) throws -> CameraRig {
        let (kind, rig) = try node.fields(["orbit", "handheld", "explicit", "ring"])
            .exactlyOne(of: ["orbit", "handheld", "explicit", "ring"])
        switch kind {
        case "orbit":
            let f = try rig.fields(["views", "radius", "elevation", "fov", "width", "height", "target", "startAzimuth", "sweep", "time", "fps"])
            let path = try orbitPath(f, count: try f.int("views", in: 1...100_000, default: 24))
            return .orbit(path, time: try f.double("time", default: 0), fps: try f["fps"]?.positive())
        case "ring":
            let f = try rig.fields(["cameras", "radius", "elevation", "fov", "width", "height", "target", "startAzimuth", "times"])
            let path = try orbitPath(f, count: try f.int("cameras", in: 1...1000, default: 8))
            var times: [Double] = [0]
            if let timesNode = f["times"] {
                let t = try timesNode.fields(["start", "end", "count"])
                let start = try t.double("start", default: 0), end = try t.double("end", default: start)
                let count = try t.int("count", in: 1...100_000, default: 1)
                guard end >= start else { throw try t.require("end").fail("end must not be before start") }
                times = (0..<count).map { count == 1 ? start : start + (end - start) * Double($0) / Double(count - 1) }
            }
            return .ring(path, times: times)
        case "handheld":
            let f = try rig.fields(["frames", "fps", "width", "height", "fov", "path", "lookAt", "up", "wander", "shake", "motionBlur", "start"])
            let (width, height) = try size(f)
            let waypoints = try f.require("path").list().map { try $0.vec3() }
            guard !waypoints.isEmpty else { throw try f.require("path").fail("needs at least one waypoint") }
            var samples = 1, shutter = 0.5
            if let blur = f["motionBlur"] {
                let b = try blur.fields(["samples", "shutter"])
                samples = try b.int("samples", in: 1...64, default: 4)
                shutter = try b["shutter"]?.double(in: 0...1) ?? 0.5
            }
            return .handheld(HandheldPath(
                frameCount: try f.int("frames", in: 1...100_000, default: 60), fps: try f.positive("fps", default: 30),
                width: width, height: height, fieldOfViewYDegrees: try fov(f),
                waypoints: waypoints, lookAt: try f["lookAt"]?.vec3(), up: try up(f),
                wanderMetres: try f["wander"]?.double(in: 0...100) ?? 0.03,
                shakeDegrees: try f["shake"]?.double(in: 0...45) ?? 0.4,
                blurSamples: samples, shutter: shutter, startTime: try f.double("start", default: 0),
                seed: deriveSeed(seed, 0x4A4E)))
        default:  // explicit
            let f = try rig.fields(["width", "height", "cameras"])
            let (width, height) = try size(f)
            let items = try f.require("cameras").list()
            guard !items.isEmpty else { throw try f.require("cameras").fail("needs at least one camera") }
            return .explicit(try items.map { item in
                let c = try item.fields(["position", "lookAt", "up", "fov", "time"])
                let position = try c.require("position").vec3(), target = try c.require("lookAt").vec3()
                guard length(target - position) > 0 else { throw try c.require("lookAt").fail("must differ from position") }
                let camera = Camera(width: width, height: height,
                                    intrinsics: Intrinsics(fieldOfViewY: try fov(c), width: width, height: height),
                                    pose: Pose(lookingFrom: position, at: target, up: try up(c)))
                return PlacedCamera(camera: camera, time: try c.double("time", default: 0))
            })
        }
    }

    private func size(_ f: RecipeFields) throws -> (Int, Int) {
        (try f.int("width", in: 1...8192, default: 512), try f.int("height", in: 1...8192, default: 512))
    }

    private func fov(_ f: RecipeFields) throws -> Double {
        try f["fov"]?.double(in: 1...170) ?? 45
    }

    private func up(_ f: RecipeFields) throws -> Vec3 {
        let v = try f.vec3("up", default: Vec3(0, 1, 0))
        guard length(v) > 0 else { throw try f.require("up").fail("must not be zero") }
        return v
    }

    private func orbitPath(_ f: RecipeFields, count: Int) throws -> OrbitPath {
        let (width, height) = try size(f)
        var path = OrbitPath(count: count, radius: try f.positive("radius", default: 3),
                             elevationDegrees: try f["elevation"]?.double(in: -89...89) ?? 20,
                             fieldOfViewYDegrees: try fov(f), width: width, height: height)
        path.target = try f.vec3("target", default: .zero)
        path.startAzimuthDegrees = try f.double("startAzimuth", default: 0)
        path.sweepDegrees = try f.double("sweep", default: 360)
        return path
    }
}
