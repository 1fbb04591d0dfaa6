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

/// Turns checked recipe nodes into scene values (objects: RecipeObjects.swift, cameras:
/// RecipeCameras.swift).
struct RecipeReader {
    let folder: URL
    let seed: UInt64

    func recipe(_ root: RecipeNode) throws -> SceneRecipe {
        let f = try root.fields(["description", "background", "lighting", "objects", "camera", "render"])
        _ = try f["description"]?.string()
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
}
