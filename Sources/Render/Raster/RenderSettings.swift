/// How frames are rasterized.
public struct RenderSettings: Equatable, Sendable {
    /// Samples per pixel along each axis (2 = 2×2 supersampling), 1...8.
    public var supersample: Int
    /// Near clipping distance along the camera axis, scene units (> 0).
    public var near: Double
    /// Pixel rows per work item; results do not depend on it.
    public var bandRows: Int
    /// Spread bands over all cores (false: one thread; results are identical either way).
    public var parallel: Bool

    public init(supersample: Int = 2, near: Double = 0.01, bandRows: Int = 16, parallel: Bool = true) {
        self.supersample = supersample; self.near = near; self.bandRows = bandRows; self.parallel = parallel
    }

    public func validate() throws {
        guard (1...8).contains(supersample) else {
            throw RenderError.invalidSetting(name: "supersample", reason: "must be 1...8, got \(supersample)")
        }
        guard near > 0, near.isFinite else {
            throw RenderError.invalidSetting(name: "near", reason: "must be a positive distance, got \(near)")
        }
        guard bandRows >= 1 else {
            throw RenderError.invalidSetting(name: "bandRows", reason: "must be at least 1, got \(bandRows)")
        }
    }
}
