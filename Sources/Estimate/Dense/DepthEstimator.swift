import Foundation
import Geometry
import Media
import Reporting

/// Depth maps of registered views: plane-sweep stereo (ZNCC, winner-take-all, parabola
/// refinement) on each view's neighbours, then a multi-view geometric consistency check that
/// sets the confidence and drops what is not confirmed.
public enum DepthEstimator {
    /// A view prepared for the sweep: grey, shrunk (area average) so its longer side is at most
    /// `options.longSide`, with the camera scaled to match (edges map to edges, so x' = x·w'/w).
    public static func input(image: Image, camera: Camera, options: DepthOptions) throws -> DepthInput {
        guard camera.intrinsics.distortion.isNone else {
            throw EstimateError.invalidOption(field: "camera", reason: "depth maps need pinhole images: undistort the images first")
        }
        guard image.width == camera.width, image.height == camera.height else {
            throw EstimateError.mismatchedCounts(what: "image width and camera width", first: image.width, second: camera.width)
        }
        let grey = Plane(width: image.width, height: image.height, pixels: image.gray())
        let long = max(image.width, image.height)
        guard long > options.longSide else { return DepthInput(camera: camera, grey: grey.pixels) }
        let scale = Double(options.longSide) / Double(long)
        let w = max(1, Int((Double(image.width) * scale).rounded())), h = max(1, Int((Double(image.height) * scale).rounded()))
        let shrunk = PyramidOps(threads: options.threads).shrink(grey, width: w, height: h)
        let sx = Double(w) / Double(image.width), sy = Double(h) / Double(image.height)
        let k = camera.intrinsics
        let small = Camera(width: w, height: h, intrinsics: Intrinsics(fx: k.fx * sx, fy: k.fy * sy, cx: k.cx * sx, cy: k.cy * sy),
                           pose: camera.pose)
        return DepthInput(camera: small, grey: shrunk.pixels)
    }

    /// A depth map per view that has an input, a depth range and at least one neighbour with
    /// an input; nil for the others. `progress` advances once per view.
    public static func estimate(inputs: [DepthInput?], neighbours: [[Int]], ranges: [ClosedRange<Double>?],
                                options: DepthOptions, progress: Reporting.Progress? = nil) throws -> [DepthMap?] {
        try options.validate()
        guard neighbours.count == inputs.count else {
            throw EstimateError.mismatchedCounts(what: "depth inputs and neighbour lists", first: inputs.count, second: neighbours.count)
        }
        guard ranges.count == inputs.count else {
            throw EstimateError.mismatchedCounts(what: "depth inputs and depth ranges", first: inputs.count, second: ranges.count)
        }
        for range in ranges.compactMap({ $0 }) where !(range.lowerBound > 0 && range.upperBound.isFinite && range.upperBound > range.lowerBound) {
            throw EstimateError.invalidOption(field: "depth range", reason: "must satisfy 0 < near < far, got \(range)")
        }
        func usable(_ i: Int) -> [Int] { neighbours[i].filter { $0 != i && $0 >= 0 && $0 < inputs.count && inputs[$0] != nil } }

        // Pass 1: the raw sweep of every view.
        var sweeps = [SweepResult?](repeating: nil, count: inputs.count)
        for i in inputs.indices {
            try Cancellation.check()
            let views = usable(i)
            if let reference = inputs[i], let range = ranges[i], !views.isEmpty {
                sweeps[i] = PlaneSweep.run(reference: reference, neighbours: views.map { inputs[$0]! }, range: range, options: options)
            }
            progress?.advance()
        }
        // Depths that pass the photometric threshold, as the neighbours see them in pass 2.
        let scored: [[Float]?] = sweeps.map { sweep in
            sweep.map { s in zip(s.depth, s.score).map { d, c in c >= options.minScore ? d : 0 } }
        }

        // Pass 2: keep depths that enough neighbours confirm; confidence = score × agreement.
        var maps = [DepthMap?](repeating: nil, count: inputs.count)
        for i in inputs.indices {
            guard let sweep = sweeps[i], let depth = scored[i], let reference = inputs[i], let range = ranges[i] else { continue }
            let views = usable(i).filter { scored[$0] != nil }
            let agree = DepthConsistency.agreement(reference: reference.camera, depth: depth,
                                                   neighbours: views.map { (inputs[$0]!.camera, scored[$0]!) }, options: options)
            // Without a neighbour map to check against, nothing is confirmed (unless no
            // confirmation is asked for).
            if views.isEmpty && options.minConsistentViews > 0 { continue }
            let required = Float(min(options.minConsistentViews, views.count))
            let total = Float(max(1, views.count))
            var out = [Float](repeating: 0, count: depth.count), confidence = [Float](repeating: 0, count: depth.count)
            for p in depth.indices where depth[p] > 0 && agree[p] >= required {
                out[p] = depth[p]
                confidence[p] = max(0, min(1, sweep.score[p])) * (views.isEmpty ? 1 : agree[p] / total)
            }
            maps[i] = DepthMap(camera: reference.camera, depth: out, confidence: confidence, neighbours: usable(i),
                               nearDepth: range.lowerBound, farDepth: range.upperBound, planes: sweep.planes)
        }
        progress?.finish()
        return maps
    }
}
