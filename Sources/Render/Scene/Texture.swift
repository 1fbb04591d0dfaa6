// Textures and materials.

/// An RGB image the rasterizer samples with bilinear filtering and wrap-around.
public struct Texture: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 3 per pixel, row-major, top row first, values in [0, 1].
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        self.width = width; self.height = height; self.pixels = pixels
    }
}

/// Surface appearance of one part: colour × vertex colour × texture, Lambert + ambient lit.
public struct Material: Equatable, Sendable {
    public var color: SIMD3<Float>
    public var texture: Texture?
    /// Draw back faces too (lit from the side facing the camera); for open surfaces like planes.
    public var doubleSided: Bool

    public init(color: SIMD3<Float> = SIMD3(1, 1, 1), texture: Texture? = nil, doubleSided: Bool = false) {
        self.color = color; self.texture = texture; self.doubleSided = doubleSided
    }
}
