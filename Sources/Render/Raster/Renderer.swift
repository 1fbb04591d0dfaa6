import CRender
import Dispatch
import Geometry

/// Software rasterizer for a scene: perspective-correct attributes, z-buffer, bilinear textures,
/// Lambert + ambient light, supersampling. Pixel centres sit at +0.5 (OpenCV/COLMAP intrinsics
/// with cx = width / 2 for a centred principal point). Output is bit-identical for the same
/// scene, camera and time, whatever the thread count or band size.
public final class Renderer: @unchecked Sendable {
    public let scene: Scene
    public let settings: RenderSettings
    private let textureIndex: [[Int32]]
    private let textureSize: [Int32]
    private let textureOffset: [Int64]
    private let texturePixels: [Float]

    public init(scene: Scene, settings: RenderSettings = RenderSettings()) throws {
        try settings.validate()
        var index: [[Int32]] = [], size: [Int32] = [], offset: [Int64] = [], pixels: [Float] = []
        for (o, object) in scene.objects.enumerated() {
            var row: [Int32] = []
            for (p, part) in object.parts.enumerated() {
                try part.mesh.validate(name: "objects[\(o)].parts[\(p)]")
                guard let texture = part.material.texture else { row.append(-1); continue }
                guard texture.width > 0, texture.height > 0, texture.pixels.count == 3 * texture.width * texture.height else {
                    throw RenderError.invalidSetting(name: "objects[\(o)].parts[\(p)].texture", reason: "pixel count does not match its size")
                }
                row.append(Int32(size.count / 2))
                size += [Int32(texture.width), Int32(texture.height)]
                offset.append(Int64(pixels.count))
                pixels += texture.pixels
            }
            index.append(row)
        }
        self.scene = scene; self.settings = settings
        textureIndex = index; textureSize = size; textureOffset = offset; texturePixels = pixels
    }

    /// Renders a rig frame, averaging its shutter samples when it has motion blur.
    public func render(_ frame: RigFrame) throws -> RenderedFrame {
        let sharp = try render(camera: frame.camera, time: frame.time)
        guard !frame.shutter.isEmpty else { return sharp }
        let samples = try frame.shutter.map { try render(camera: $0.camera, time: $0.time) }
        return RenderedFrame.blurred(samples, depthSource: sharp)
    }

    public func render(camera: Camera, time: Double = 0) throws -> RenderedFrame {
        guard camera.width > 0, camera.height > 0, camera.width <= 16384, camera.height <= 16384 else {
            throw RenderError.invalidSetting(name: "camera size", reason: "\(camera.width) × \(camera.height) is not 1...16384 on each side")
        }
        guard camera.intrinsics.distortion.isNone else {
            throw RenderError.invalidSetting(name: "camera distortion", reason: "the rasterizer draws pinhole images only")
        }
        let k = camera.intrinsics
        guard k.fx > 0, k.fy > 0, k.fx.isFinite, k.fy.isFinite, k.cx.isFinite, k.cy.isFinite else {
            throw RenderError.invalidSetting(name: "camera intrinsics", reason: "focal lengths must be positive and finite")
        }
        let setup = TriangleSetup(scene: scene, textureIndex: textureIndex, camera: camera, time: time, near: settings.near)
        let width = camera.width, height = camera.height
        let bandRows = settings.bandRows
        let bands = (height + bandRows - 1) / bandRows
        let lists = TriangleSetup.binByBand(screen: setup.screen, count: setup.count, bandRows: bandRows, bands: bands)

        var rgb = [Float](repeating: 0, count: 3 * width * height)
        var alpha = [Float](repeating: 0, count: width * height)
        var depth = [Float](repeating: 0, count: width * height)
        let factor = settings.supersample
        let samplesPerBand = bandRows * factor * width * factor
        // Each band gets its own slice of scratch, so bands never share memory.
        let inverseDepth = UnsafeMutableBufferPointer<Float>.allocate(capacity: bands * samplesPerBand)
        let triangle = UnsafeMutableBufferPointer<Int32>.allocate(capacity: bands * samplesPerBand)
        let barycentric = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * bands * samplesPerBand)
        defer { inverseDepth.deallocate(); triangle.deallocate(); barycentric.deallocate() }

        setup.screen.withUnsafeBufferPointer { screen in
        setup.attributes.withUnsafeBufferPointer { attributes in
        setup.texture.withUnsafeBufferPointer { texture in
        textureSize.withUnsafeBufferPointer { texSize in
        textureOffset.withUnsafeBufferPointer { texOffset in
        texturePixels.withUnsafeBufferPointer { texPixels in
        lists.indices.withUnsafeBufferPointer { listIndices in
        rgb.withUnsafeMutableBufferPointer { rgbOut in
        alpha.withUnsafeMutableBufferPointer { alphaOut in
        depth.withUnsafeMutableBufferPointer { depthOut in
            let lighting = scene.lighting
            var lightDirection: [Float] = [], lightColor: [Float] = []
            for light in lighting.lights {
                let toLight = -normalize(light.direction)
                lightDirection += [Float(toLight.x), Float(toLight.y), Float(toLight.z)]
                lightColor += [light.color.x, light.color.y, light.color.z]
            }
            lightDirection.withUnsafeBufferPointer { lightDir in
            lightColor.withUnsafeBufferPointer { lightCol in
                var cScene = CRScene()
                cScene.width = Int32(width); cScene.height = Int32(height); cScene.factor = Int32(factor)
                cScene.triangle_count = Int32(setup.count)
                cScene.screen = screen.baseAddress; cScene.attributes = attributes.baseAddress
                cScene.texture = texture.baseAddress
                cScene.texture_size = texSize.baseAddress; cScene.texture_offset = texOffset.baseAddress
                cScene.texture_pixels = texPixels.baseAddress
                cScene.ambient = (lighting.ambient.x, lighting.ambient.y, lighting.ambient.z)
                cScene.light_count = Int32(lighting.lights.count)
                cScene.light_direction = lightDir.baseAddress; cScene.light_color = lightCol.baseAddress
                let sceneCopy = cScene
                let rgbPointer = rgbOut.baseAddress, alphaPointer = alphaOut.baseAddress, depthPointer = depthOut.baseAddress
                let listPointer = listIndices.baseAddress
                let work = { (band: Int) in
                    var s = sceneCopy
                    let rowBegin = band * bandRows, rowEnd = min(rowBegin + bandRows, height)
                    let first = lists.offsets[band], count = lists.offsets[band + 1] - first
                    let samples = CRSamples(inverse_depth: inverseDepth.baseAddress! + band * samplesPerBand,
                                            triangle: triangle.baseAddress! + band * samplesPerBand,
                                            barycentric: barycentric.baseAddress! + 2 * band * samplesPerBand)
                    cr_render_rows(&s, Int32(rowBegin), Int32(rowEnd), listPointer.map { $0 + first },
                                   Int32(count), samples, rgbPointer, alphaPointer, depthPointer)
                }
                if settings.parallel && bands > 1 {
                    DispatchQueue.concurrentPerform(iterations: bands, execute: work)
                } else {
                    for band in 0..<bands { work(band) }
                }
            } }
        } } } } } } } } } }
        return RenderedFrame(width: width, height: height, rgb: rgb, alpha: alpha, depth: depth)
    }
}

extension TriangleSetup {
    /// Per band, the ascending indices of triangles whose rows may touch it (CSR layout).
    struct BandLists {
        var offsets: [Int]
        var indices: [Int32]
    }

    static func binByBand(screen: [Float], count: Int, bandRows: Int, bands: Int) -> BandLists {
        var first = [Int32](repeating: 0, count: count), last = [Int32](repeating: -1, count: count)
        var counts = [Int](repeating: 0, count: bands + 1)
        screen.withUnsafeBufferPointer { s in
            for t in 0..<count {
                let y0 = s[9 * t + 1], y1 = s[9 * t + 4], y2 = s[9 * t + 7]
                let lo = min(y0, min(y1, y2)), hi = max(y0, max(y1, y2))
                guard lo.isFinite, hi.isFinite else { continue }
                // One pixel of margin: samples sit inside pixels, so this never drops a covered row.
                func band(_ y: Double) -> Int { Int(min(max((y / Double(bandRows)).rounded(.down), -1), Double(bands))) }
                let b0 = max(band(Double(lo) - 1), 0), b1 = min(band(Double(hi) + 1), bands - 1)
                guard b0 <= b1 else { continue }
                first[t] = Int32(b0); last[t] = Int32(b1)
                for b in b0...b1 { counts[b + 1] += 1 }
            }
        }
        for b in 0..<bands { counts[b + 1] += counts[b] }
        var fill = counts
        var indices = [Int32](repeating: 0, count: counts[bands])
        for t in 0..<count where last[t] >= first[t] {
            for b in Int(first[t])...Int(last[t]) {
                indices[fill[b]] = Int32(t)
                fill[b] += 1
            }
        }
        return BandLists(offsets: counts, indices: indices)
    }
}
