/// A scale- and rotation-invariant interest point.
public struct Keypoint: Equatable, Sendable {
    /// Position in input-image pixels; pixel centres sit at +0.5 (as in `Intrinsics`), so the
    /// image spans [0, width] × [0, height].
    public var x: Float
    public var y: Float
    /// Gaussian scale σ of the detection, in input-image pixels.
    public var scale: Float
    /// Dominant gradient direction in radians, [0, 2π), from +x towards +y (image down).
    public var orientation: Float
    /// |DoG| at the refined extremum (intensities in [0, 1]); larger is stronger.
    public var response: Float
    /// Pyramid octave (−1 for the upsampled one).
    public var octave: Int

    public init(x: Float, y: Float, scale: Float, orientation: Float, response: Float, octave: Int) {
        self.x = x; self.y = y; self.scale = scale; self.orientation = orientation
        self.response = response; self.octave = octave
    }
}

/// The keypoints of one image with their descriptors, in `FeatureOptions.priority` order.
public struct Features: Equatable, Sendable {
    public static let descriptorLength = 128

    public var width: Int
    public var height: Int
    public var keypoints: [Keypoint]
    /// `keypoints.count` × 128 floats, row-major: RootSIFT descriptors of unit L2 norm, so the
    /// squared Euclidean distance of two is 2 − 2 · (their dot product).
    public var descriptors: [Float]

    public init(width: Int, height: Int, keypoints: [Keypoint], descriptors: [Float]) throws {
        guard descriptors.count == keypoints.count * Features.descriptorLength else {
            throw EstimateError.malformedDescriptors(count: keypoints.count, floats: descriptors.count)
        }
        self.width = width; self.height = height; self.keypoints = keypoints; self.descriptors = descriptors
    }

    public var count: Int { keypoints.count }

    /// The first `count` keypoints (the priority order's best) with their descriptors; the
    /// indices stay those of the full set.
    public func prefix(_ count: Int) -> Features {
        guard count < keypoints.count else { return self }
        var out = self
        out.keypoints = Array(keypoints.prefix(count))
        out.descriptors = Array(descriptors.prefix(count * Features.descriptorLength))
        return out
    }

    /// The descriptor of keypoint `index`.
    public func descriptor(_ index: Int) -> ArraySlice<Float> {
        descriptors[(index * Features.descriptorLength)..<((index + 1) * Features.descriptorLength)]
    }
}
