/// What the splat rasterizer renders for one camera.
public struct RenderedImage: Equatable {
    public var width: Int
    public var height: Int
    /// width × height × 3, interleaved RGB: Σ colour α T + T_final × background.
    public var color: [Float]
    /// width × height: 1 - T_final.
    public var alpha: [Float]
    /// width × height: Σ depth α T, not normalised (divide by alpha for the mean depth).
    public var depth: [Float]

    public init(width: Int, height: Int, color: [Float], alpha: [Float], depth: [Float]) {
        self.width = width
        self.height = height
        self.color = color
        self.alpha = alpha
        self.depth = depth
    }
}

/// Gradients of one backward pass.
public struct SplatGradients: Equatable {
    /// dL/d(every parameter), same layout as the cloud.
    public var parameters: GaussianCloud
    /// Per splat |dL/d 2D mean| in pixels for this view (0 for splats off screen): what adaptive
    /// density control accumulates over views.
    public var mean2dGradientNorms: [Float]

    public init(parameters: GaussianCloud, mean2dGradientNorms: [Float]) {
        self.parameters = parameters
        self.mean2dGradientNorms = mean2dGradientNorms
    }
}

/// The thresholds of alpha blending (defaults as in 3DGS).
public struct BlendOptions: Equatable {
    /// Contributions with alpha below this are skipped.
    public var alphaMin: Float = 1 / 255
    /// Alpha is clamped to this.
    public var alphaMax: Float = 0.99
    /// A pixel stops before the splat that would take its transmittance below this.
    public var transmittanceMin: Float = 1e-4

    public init(alphaMin: Float = 1 / 255, alphaMax: Float = 0.99, transmittanceMin: Float = 1e-4) {
        self.alphaMin = alphaMin
        self.alphaMax = alphaMax
        self.transmittanceMin = transmittanceMin
    }

    /// 0 <= alphaMin < alphaMax < 1 (the backward divides by 1 - alpha), 0 <= transmittanceMin < 1.
    public func validate() throws {
        guard alphaMin >= 0, alphaMin < alphaMax else {
            throw SplatsError.badOptions(field: "alphaMin", reason: "\(alphaMin) must be in [0, alphaMax)")
        }
        guard alphaMax < 1 else {
            throw SplatsError.badOptions(field: "alphaMax", reason: "\(alphaMax) must be below 1")
        }
        guard transmittanceMin >= 0, transmittanceMin < 1 else {
            throw SplatsError.badOptions(field: "transmittanceMin", reason: "\(transmittanceMin) must be in [0, 1)")
        }
    }
}
