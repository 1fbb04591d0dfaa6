import Geometry

/// One view prepared for the sweep: a grey image at the working resolution and the pinhole
/// camera of that image.
public struct DepthInput: Sendable {
    public var camera: Camera
    /// width × height intensities in [0, 1], row-major.
    public var grey: [Float]

    public init(camera: Camera, grey: [Float]) { self.camera = camera; self.grey = grey }
}

/// A depth map at the working resolution with its confidence.
public struct DepthMap: Sendable {
    /// Pinhole camera of the map's pixels (the view's camera scaled to width × height).
    public var camera: Camera
    /// Camera z per pixel (OpenCV, scene units); 0 where no confident depth was found.
    public var depth: [Float]
    /// In [0, 1]: photometric score × the fraction of neighbours that agree; 0 where depth is 0.
    public var confidence: [Float]
    /// The neighbour views it was computed from (input indices).
    public var neighbours: [Int]
    /// The swept range and the number of planes.
    public var nearDepth: Double
    public var farDepth: Double
    public var planes: Int

    public var width: Int { camera.width }
    public var height: Int { camera.height }

    /// Fraction of pixels with a depth.
    public var coverage: Double {
        depth.isEmpty ? 0 : Double(depth.lazy.filter { $0 > 0 }.count) / Double(depth.count)
    }
}
