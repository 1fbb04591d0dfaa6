import Foundation

/// Settings of the depth maps (plane-sweep stereo on the registered neighbours).
public struct DepthOptions: Equatable, Sendable {
    /// Compute depth maps at all.
    public var enabled = true
    /// Longer side of the images the sweep works on, in pixels (images are shrunk by area
    /// averaging; smaller ones are used as they are).
    public var longSide = 320
    /// Neighbour views per reference view (chosen by shared sparse points and baseline).
    public var neighbours = 4
    /// A plane's score at a pixel is the mean ZNCC of the best this many neighbours, so a
    /// surface occluded in the others still wins.
    public var keep = 2
    /// ZNCC window: (2r+1)² pixels.
    public var windowRadius = 3
    /// Reference windows whose grey standard deviation (intensities in [0, 1]) is below this
    /// are textureless: no depth there.
    public var minStandardDeviation: Float = 0.01
    /// Largest image shift between two successive depth planes in the widest neighbour, in
    /// pixels; sets the number of planes, clamped to [minPlanes, maxPlanes].
    public var pixelsPerPlane = 1.0
    public var minPlanes = 32
    public var maxPlanes = 256
    /// The depth range of a view spans its sparse points' depths (2nd to 98th percentile)
    /// widened by this factor on both sides.
    public var rangeMargin = 1.5
    /// Fewest ZNCC (−1…1) a depth must score to be kept.
    public var minScore: Float = 0.4
    /// Fewest neighbour depth maps that must agree with a depth (clamped to the neighbours a
    /// view has) and how closely: round-trip reprojection in pixels, relative depth.
    public var minConsistentViews = 2
    public var maxReprojectionPixels: Float = 1
    public var maxRelativeDepth: Float = 0.02
    /// Neighbour selection: fewest shared sparse points, and the median triangulation angle
    /// (degrees) below which a pair has too little baseline to measure depth.
    public var minSharedPoints = 12
    public var minAngleDegrees = 1.0
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}

    public func validate() throws {
        func fail(_ field: String, _ reason: String) -> EstimateError { .invalidOption(field: "depth." + field, reason: reason) }
        guard longSide >= 32 else { throw fail("longSide", "must be at least 32 pixels, got \(longSide)") }
        guard (1...16).contains(neighbours) else { throw fail("neighbours", "must be in 1…16, got \(neighbours)") }
        guard keep >= 1, keep <= neighbours else { throw fail("keep", "must be in 1…neighbours (\(neighbours)), got \(keep)") }
        guard (1...10).contains(windowRadius) else { throw fail("windowRadius", "must be in 1…10, got \(windowRadius)") }
        guard minStandardDeviation >= 0 else { throw fail("minStandardDeviation", "must be ≥ 0, got \(minStandardDeviation)") }
        guard pixelsPerPlane > 0 else { throw fail("pixelsPerPlane", "must be positive, got \(pixelsPerPlane)") }
        guard minPlanes >= 3, maxPlanes >= minPlanes else { throw fail("minPlanes", "need 3 ≤ minPlanes ≤ maxPlanes, got \(minPlanes), \(maxPlanes)") }
        guard rangeMargin >= 1 else { throw fail("rangeMargin", "must be ≥ 1, got \(rangeMargin)") }
        guard minScore > -1, minScore < 1 else { throw fail("minScore", "must be in (−1, 1), got \(minScore)") }
        guard minConsistentViews >= 0 else { throw fail("minConsistentViews", "must be ≥ 0, got \(minConsistentViews)") }
        guard maxReprojectionPixels > 0, maxRelativeDepth > 0 else { throw fail("maxReprojectionPixels", "consistency tolerances must be positive") }
        guard minSharedPoints >= 1 else { throw fail("minSharedPoints", "must be ≥ 1, got \(minSharedPoints)") }
        guard minAngleDegrees >= 0 else { throw fail("minAngleDegrees", "must be ≥ 0, got \(minAngleDegrees)") }
        guard threads >= 1 else { throw fail("threads", "must be ≥ 1, got \(threads)") }
    }
}
