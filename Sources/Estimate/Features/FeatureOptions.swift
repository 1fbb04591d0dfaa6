import Foundation

/// Which keypoints survive `FeatureOptions.maxKeypoints`.
public enum KeypointPriority: String, Equatable, Sendable {
    /// Largest detection scale first (COLMAP's rule). Coarse keypoints repeat and match far
    /// better: on two 1000×667 kitchen views capped at 8192 this gave 1698 five-point inliers
    /// against 1261 for `.strongestResponse` (4096: 1012 against 550).
    case largestScale
    /// Largest |DoG| response first.
    case strongestResponse
}

/// Settings of the SIFT-style feature extractor. Defaults follow COLMAP's SIFT extraction.
public struct FeatureOptions: Equatable, Sendable {
    /// Most keypoints kept per image, chosen by `priority` (each orientation of an extremum
    /// counts as one keypoint). COLMAP's default is 8192.
    public var maxKeypoints: Int = 8192
    /// Which keypoints the cap keeps; also the order of `Features.keypoints`.
    public var priority: KeypointPriority = .largestScale
    /// Longest image side, in pixels, that is processed as is; larger images are first shrunk
    /// by area averaging to this size (keypoints are still reported in the input's pixels).
    /// Bounds time and memory for photos from modern phones. COLMAP's default is 3200.
    public var maxImageSize: Int = 3200
    /// Start the pyramid at twice the image resolution (octave −1), which finds the smallest
    /// features; slower (≈ 4× the pixels in the first octave).
    public var upsampleFirstOctave: Bool = true
    /// Upper bound on octaves; fewer are used when the image gets smaller than `minOctaveSize`.
    public var maxOctaves: Int = 8
    /// Smallest side, in pixels, of an octave that is still searched.
    public var minOctaveSize: Int = 16
    /// Scale samples per octave (Lowe's s).
    public var layersPerOctave: Int = 3
    /// Blur of each octave's base level, in that octave's pixels.
    public var sigma: Double = 1.6
    /// Blur the input image is assumed to have already, in its pixels.
    public var assumedBlur: Double = 0.5
    /// Minimum |DoG| at the refined extremum, intensities in [0, 1] (COLMAP: 0.02 / 3).
    public var peakThreshold: Double = 0.02 / 3
    /// Low-contrast or tiny images (a 136 × 240 phone video gives ≈ 110 keypoints at the
    /// default threshold): while fewer than `adaptiveTarget` keypoints are found, detection is
    /// repeated with the peak threshold halved, at most `adaptiveHalvings` times (0 disables).
    public var adaptiveTarget: Int = 1000
    public var adaptiveHalvings: Int = 3
    /// Largest ratio of principal curvatures; above it a point lies on an edge and is dropped.
    public var edgeThreshold: Double = 10
    /// Secondary orientations are kept when their histogram peak is at least this fraction of
    /// the highest.
    public var orientationPeakRatio: Double = 0.8
    /// Orientations per extremum (1 … 4).
    public var maxOrientations: Int = 2
    /// Threads used for one image (rows and keypoints are split between them).
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}

    public func validate() throws {
        func fail(_ field: String, _ reason: String) -> EstimateError { .invalidOption(field: field, reason: reason) }
        guard maxKeypoints >= 1 else { throw fail("maxKeypoints", "must be ≥ 1, got \(maxKeypoints)") }
        guard maxImageSize >= minOctaveSize else {
            throw fail("maxImageSize", "must be ≥ minOctaveSize (\(minOctaveSize)) pixels, got \(maxImageSize)")
        }
        guard (1...12).contains(maxOctaves) else { throw fail("maxOctaves", "must be in 1…12, got \(maxOctaves)") }
        guard minOctaveSize >= 12 else { throw fail("minOctaveSize", "must be ≥ 12 pixels, got \(minOctaveSize)") }
        guard (1...8).contains(layersPerOctave) else { throw fail("layersPerOctave", "must be in 1…8, got \(layersPerOctave)") }
        guard sigma.isFinite, sigma > 0.5, sigma < 10 else { throw fail("sigma", "must be in (0.5, 10) pixels, got \(sigma)") }
        guard assumedBlur.isFinite, assumedBlur >= 0, assumedBlur < sigma else {
            throw fail("assumedBlur", "must be in [0, sigma) pixels, got \(assumedBlur)")
        }
        guard peakThreshold.isFinite, peakThreshold >= 0 else { throw fail("peakThreshold", "must be ≥ 0, got \(peakThreshold)") }
        guard edgeThreshold.isFinite, edgeThreshold >= 1 else { throw fail("edgeThreshold", "must be ≥ 1, got \(edgeThreshold)") }
        guard orientationPeakRatio > 0, orientationPeakRatio <= 1 else {
            throw fail("orientationPeakRatio", "must be in (0, 1], got \(orientationPeakRatio)")
        }
        guard (1...4).contains(maxOrientations) else { throw fail("maxOrientations", "must be in 1…4, got \(maxOrientations)") }
        guard threads >= 1 else { throw fail("threads", "must be ≥ 1, got \(threads)") }
        guard adaptiveTarget >= 0 else { throw fail("adaptiveTarget", "must be ≥ 0, got \(adaptiveTarget)") }
        guard (0...6).contains(adaptiveHalvings) else { throw fail("adaptiveHalvings", "must be in 0…6, got \(adaptiveHalvings)") }
    }
}
