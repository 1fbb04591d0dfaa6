import Foundation
import Media
import Splats

/// Initial points from depth maps: every confident depth pixel of the given views back-projected
/// to the world, coloured from its image, merged on a voxel grid whose size brings the count to
/// at most a target.
enum DepthPoints {
    /// One depth map in camera z (0: none) and its confidence in [0, 1] (nil: all confident).
    struct Map {
        var width: Int
        var height: Int
        var depth: [Float]
        var confidence: [Float]?
    }

    /// Reads a depth file (and its confidence) into camera z; errors name the file.
    static func read(_ file: DepthFile) throws -> Map {
        let raw: (width: Int, height: Int, values: [UInt16])
        do { raw = try PNGFile.readGray16(file.depth) } catch {
            throw PipelineError.badData(file.depth.path, reason: "depth map cannot be read (\(error))")
        }
        let unit = Float(file.unit)
        var map = Map(width: raw.width, height: raw.height, depth: raw.values.map { Float($0) * unit }, confidence: nil)
        if let url = file.confidence {
            let image: Image
            do { image = try PNGFile.read(url) } catch {
                throw PipelineError.badData(url.path, reason: "depth confidence cannot be read (\(error))")
            }
            guard image.width == raw.width, image.height == raw.height else {
                throw PipelineError.badData(url.path, reason: "is \(image.width)×\(image.height), its depth map \(raw.width)×\(raw.height)")
            }
            map.confidence = (0..<(image.width * image.height)).map { image.pixels[$0 * image.channels] }
        }
        return map
    }

    /// Adds the world points of `map`'s depth pixels with confidence ≥ `minConfidence` (and not
    /// masked out in `view`) to `builder`, coloured by the image pixel under each.
    static func backProject(_ map: Map, view: TrainingView, minConfidence: Float, into builder: inout VoxelCloud.Builder) {
        let c = view.camera, r = c.rotation, t = c.translation
        let sx = Float(c.width) / Float(map.width), sy = Float(c.height) / Float(map.height)
        for j in 0..<map.height {
            for i in 0..<map.width {
                let k = j * map.width + i
                let z = map.depth[k]
                guard z > 0, (map.confidence?[k] ?? 1) >= minConfidence else { continue }
                let u = (Float(i) + 0.5) * sx, v = (Float(j) + 0.5) * sy
                let px = min(Int(u), c.width - 1), py = min(Int(v), c.height - 1)
                let pixel = py * c.width + px
                if let mask = view.mask, mask[pixel] == 0 { continue }
                // Camera point, then world = Rᵀ (p − t).
                let x = (u - c.cx) / c.fx * z - t[0], y = (v - c.cy) / c.fy * z - t[1], w = z - t[2]
                // Grey images (one channel) repeat it.
                let base = pixel * view.channels, green = view.channels >= 3 ? 1 : 0, blue = view.channels >= 3 ? 2 : 0
                builder.add(x: r[0] * x + r[3] * y + r[6] * w, y: r[1] * x + r[4] * y + r[7] * w, z: r[2] * x + r[5] * y + r[8] * w,
                            r: Float(view.pixels[base]) / 255, g: Float(view.pixels[base + green]) / 255,
                            b: Float(view.pixels[base + blue]) / 255)
            }
        }
    }

    /// The merged points of all `views` that have a depth file, at most `target` of them. The
    /// first grid's cell is the side that gives `target` cells on a surface as wide as the
    /// typical far depth (about one view's worth), so the grid before thinning holds a few times
    /// `target` cells for the union of all views, not one per depth pixel.
    static func points(views: [TrainingView], depth: [DepthFile?], target: Int, minConfidence: Float) throws -> VoxelCloud {
        guard views.count == depth.count else {
            throw PipelineError.badData("depth", reason: "\(depth.count) depth entries for \(views.count) views")
        }
        var maps: [(Map, TrainingView)] = []
        for (view, file) in zip(views, depth) {
            guard let file else { continue }
            maps.append((try read(file), view))
        }
        let depths = maps.flatMap { $0.0.depth.filter { $0 > 0 } }
        guard !depths.isEmpty else { return VoxelCloud() }
        // A robust scene size: the 90th-percentile depth, sampled.
        let step = max(1, depths.count / 10_000)
        let sample = stride(from: 0, to: depths.count, by: step).map { depths[$0] }.sorted()
        let far = sample[sample.count * 9 / 10]
        let voxel = max(far / Float(max(1, target)).squareRoot(), 1e-6)
        var builder = VoxelCloud.Builder(voxel: voxel)
        for (map, view) in maps { backProject(map, view: view, minConfidence: minConfidence, into: &builder) }
        return builder.build().thinned(toAtMost: target, voxel: voxel).cloud
    }
}
