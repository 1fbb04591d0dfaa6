import Geometry

/// One mesh with one material, placed inside its object.
public struct ScenePart: Equatable, Sendable {
    public var mesh: Mesh
    public var material: Material
    /// Object-local placement of this part (identity for a single primitive or an OBJ file).
    public var placement: Affine

    public init(mesh: Mesh, material: Material, placement: Affine = .identity) {
        self.mesh = mesh; self.material = material; self.placement = placement
    }
}

/// Parts that move together under one (possibly keyframed) transform.
public struct SceneObject: Equatable, Sendable {
    public var name: String
    public var parts: [ScenePart]
    public var animation: Animation

    public init(name: String, parts: [ScenePart], animation: Animation = .still) {
        self.name = name; self.parts = parts; self.animation = animation
    }
}

/// Light travelling along `direction` (world space; e.g. (0, -1, 0) shines straight down).
public struct DirectionalLight: Equatable, Sendable {
    public var direction: Vec3
    public var color: SIMD3<Float>

    public init(direction: Vec3, color: SIMD3<Float>) { self.direction = direction; self.color = color }
}

public struct Lighting: Equatable, Sendable {
    public var ambient: SIMD3<Float>
    public var lights: [DirectionalLight]

    public init(ambient: SIMD3<Float>, lights: [DirectionalLight]) { self.ambient = ambient; self.lights = lights }

    /// Soft ambient plus a key light from the upper front left and a weaker fill from the right.
    public static let standard = Lighting(
        ambient: SIMD3(repeating: 0.35),
        lights: [DirectionalLight(direction: Vec3(0.4, -1, -0.6), color: SIMD3(repeating: 0.6)),
                 DirectionalLight(direction: Vec3(-0.8, -0.2, 0.3), color: SIMD3(repeating: 0.2))])

    /// Colours shown as they are: ambient 1, no directional light.
    public static let unlit = Lighting(ambient: SIMD3(1, 1, 1), lights: [])
}

/// Everything that is drawn, at any time.
public struct Scene: Equatable, Sendable {
    public var objects: [SceneObject]
    public var lighting: Lighting
    /// nil = transparent (frames get an alpha channel).
    public var background: SIMD3<Float>?

    public init(objects: [SceneObject], lighting: Lighting = .standard, background: SIMD3<Float>? = nil) {
        self.objects = objects; self.lighting = lighting; self.background = background
    }

    public var triangleCount: Int { objects.reduce(0) { $0 + $1.parts.reduce(0) { $0 + $1.mesh.triangleCount } } }

    /// True when some object moves or changes over time.
    public var isAnimated: Bool { objects.contains { !$0.animation.isStill } }
}
