import CFeatures
import Foundation
import Media
import Reporting

/// SIFT keypoints and RootSIFT descriptors (Lowe 2004; Arandjelović and Zisserman 2012):
/// difference-of-Gaussians extrema refined to sub-pixel and sub-scale accuracy, edge responses
/// dropped, one or more dominant orientations each, and a 4×4×8 gradient histogram descriptor.
/// The pixel loops run in C (`CFeatures`); rows and keypoints are split over `options.threads`.
public struct FeatureExtractor: Sendable {
    public let options: FeatureOptions

    public init(options: FeatureOptions = .init()) throws {
        try options.validate()
        self.options = options
    }

    /// Features of a colour image (its Rec. 601 luma).
    public func extract(_ image: Image) throws -> Features {
        try extract(gray: image.gray(), width: image.width, height: image.height)
    }

    /// Features of several images, `options.threads` at a time on separate threads (each image
    /// single-threaded), returned in input order. `progress` advances once per image; a Ctrl-C
    /// (`Cancellation`) stops before the next image and throws `CancelledError`.
    public func extract(_ images: [Image], progress: Reporting.Progress? = nil) throws -> [Features] {
        try extractBatch(count: images.count, progress: progress) { try $0.extract(images[$1]) }
    }

    /// Reads and extracts image files (PNG, JPEG, …) in parallel like `extract(_:progress:)`,
    /// so decoding is spread over the threads too.
    public func extract(files: [URL], progress: Reporting.Progress? = nil) throws -> [Features] {
        try extractBatch(count: files.count, progress: progress) { try $0.extract(try ImageFile.read(files[$1])) }
    }

    private func extractBatch(count: Int, progress: Reporting.Progress?,
                              _ work: (FeatureExtractor, Int) throws -> Features) throws -> [Features] {
        var single = options
        single.threads = 1
        let extractor = try FeatureExtractor(options: single)
        let workers = max(1, min(options.threads, count))
        var results = [Result<Features, Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            let out = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                // Images are dealt round-robin by index, so who computes what never depends on timing.
                var i = worker
                while i < count {
                    out[i] = Result {
                        try Cancellation.check()
                        return try work(extractor, i)
                    }
                    progress?.advance()
                    i += workers
                }
            }
        }
        progress?.finish()
        return try results.map { try $0!.get() }
    }

    /// Features of a single-channel image, intensities in [0, 1], row-major width × height.
    /// Retries with a lower contrast threshold while too few keypoints are found (see
    /// `FeatureOptions.adaptiveTarget`).
    public func extract(gray: [Float], width: Int, height: Int) throws -> Features {
        // Decided on the keypoints found before the cap, so a capped run keeps a prefix of
        // the uncapped run's keypoints.
        var (features, found) = try extractOnce(gray: gray, width: width, height: height)
        var lowered = options, halvings = 0
        while found < options.adaptiveTarget && halvings < options.adaptiveHalvings {
            lowered.peakThreshold /= 2; halvings += 1
            let more = try FeatureExtractor(options: lowered).extractOnce(gray: gray, width: width, height: height)
            if more.found <= found { break }  // nothing more to find
            (features, found) = more
        }
        return features
    }

    /// The features at `options.peakThreshold`, and how many keypoints there were before the cap.
    private func extractOnce(gray: [Float], width: Int, height: Int) throws -> (features: Features, found: Int) {
        let minimum = options.minOctaveSize
        guard width >= minimum, height >= minimum else {
            throw EstimateError.imageTooSmall(width: width, height: height, minimum: minimum)
        }
        guard gray.count == width * height else {
            throw EstimateError.mismatchedCounts(what: "gray image pixels vs width × height", first: gray.count, second: width * height)
        }
        guard gray.allSatisfy({ $0.isFinite }) else { throw EstimateError.nonFinite(what: "image pixels") }

        let ops = PyramidOps(threads: options.threads)
        let layers = options.layersPerOctave
        var plane = Plane(width: width, height: height, pixels: gray)
        // Large images are shrunk first. Area averaging maps edges to edges, so an input
        // coordinate is (scaleX, scaleY) times the working image's coordinate.
        var scaleX = 1.0, scaleY = 1.0
        let longest = max(width, height)
        if longest > options.maxImageSize {
            let factor = Double(longest) / Double(options.maxImageSize)
            let sw = max(1, Int((Double(width) / factor).rounded())), sh = max(1, Int((Double(height) / factor).rounded()))
            plane = ops.shrink(plane, width: sw, height: sh)
            scaleX = Double(width) / Double(sw); scaleY = Double(height) / Double(sh)
        }
        // Octave pixel index i sits at working-image coordinate step · i + offset (pixel
        // centres at +0.5).
        var step = 1.0, offset = 0.5, octaveIndex = 0
        var blur = options.assumedBlur
        if options.upsampleFirstOctave {
            plane = ops.upsample(plane)
            step = 0.5; offset = 0.25; octaveIndex = -1
            blur *= 2
        }
        plane = ops.blur(plane, sigma: (options.sigma * options.sigma - blur * blur).squareRoot())

        var candidates: [Candidate] = []
        var kept: [[GradientField]] = []  // gradients of levels 1…layers of each octave, for the descriptors
        for octaveNumber in 0..<options.maxOctaves {
            guard min(plane.width, plane.height) >= options.minOctaveSize else { break }
            let octave = Octave(index: octaveIndex, base: plane, layers: layers, sigma: options.sigma,
                                step: step, offset: offset, ops: ops)
            candidates += detect(in: octave, slot: octaveNumber)
            kept.append(octave.gradients)
            plane = ops.downsample(octave.gaussians[layers])
            step *= 2; octaveIndex += 1
        }

        // Keypoints by priority; ties keep detection order, so the result is deterministic.
        let key: [Float] = candidates.map {
            options.priority == .largestScale ? Float($0.step) * $0.sigma : $0.response
        }
        let order = candidates.indices.sorted { key[$0] != key[$1] ? key[$0] > key[$1] : $0 < $1 }
        let chosen = order.prefix(options.maxKeypoints).map { candidates[$0] }
        var descriptors = [Float](repeating: 0, count: chosen.count * Features.descriptorLength)
        descriptors.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }  // no keypoints
            forEachChunk(count: chosen.count, chunks: options.threads) { range in
                for k in range {
                    let c = chosen[k]
                    let field = kept[c.slot][c.layer - 1]
                    field.magnitude.withUnsafeBufferPointer { m in
                        field.angle.withUnsafeBufferPointer { a in
                            v2w_descriptor(m.baseAddress!, a.baseAddress!, Int32(field.width), Int32(field.height),
                                           c.x, c.y, c.sigma, c.angle, base + k * Features.descriptorLength)
                        }
                    }
                }
            }
        }
        let keypoints = chosen.map { c in
            Keypoint(x: Float(scaleX * (c.step * Double(c.x) + c.offset)), y: Float(scaleY * (c.step * Double(c.y) + c.offset)),
                     scale: Float(0.5 * (scaleX + scaleY) * c.step * Double(c.sigma)), orientation: c.angle, response: c.response, octave: c.octave)
        }
        return (try Features(width: width, height: height, keypoints: keypoints, descriptors: descriptors), candidates.count)
    }

    /// Identity of a refined, oriented extremum within one octave.
    struct CandidateKey: Hashable {
        var x: Float, y: Float, sigma: Float, angle: Float
        init(_ c: Candidate) { x = c.x; y = c.y; sigma = c.sigma; angle = c.angle }
    }

    /// An oriented, refined extremum in its octave's pixel grid.
    struct Candidate {
        var slot: Int, octave: Int, layer: Int
        var x: Float, y: Float, sigma: Float, angle: Float, response: Float
        var step: Double, offset: Double
    }

    /// Extrema of the octave's DoG levels 1…layers, refined, with their orientations.
    private func detect(in octave: Octave, slot: Int) -> [Candidate] {
        octave.dogStack.withUnsafeBufferPointer { stack in
            let layers = options.layersPerOctave
            let w = octave.width, h = octave.height
            let dogs: [UnsafePointer<Float>?] = (0..<(layers + 2)).map { UnsafePointer(stack.baseAddress! + $0 * w * h) }
            var found: [Candidate] = []
            for layer in 1...layers {
                let xy = rawExtrema(dogs[layer - 1]!, dogs[layer]!, dogs[layer + 1]!, width: w, height: h)
                let perChunk: [[Candidate]] = mapChunks(count: xy.count / 2, chunks: options.threads) { range in
                    dogs.withUnsafeBufferPointer { dogList in
                        refineAndOrient(xy, range, layer: layer, dogs: dogList.baseAddress!, octave: octave, slot: slot)
                    }
                }
                found += perChunk.flatMap { $0 }
            }
            // Neighbouring raw extrema can refine to the same sample and fit: keep one copy.
            var seen = Set<CandidateKey>()
            return found.filter { seen.insert(CandidateKey($0)).inserted }
        }
    }

    private static let border: Int32 = 5

    /// Raw extrema (x, y pairs) of one DoG level, rows split over the threads, in row order.
    private func rawExtrema(_ below: UnsafePointer<Float>, _ mid: UnsafePointer<Float>, _ above: UnsafePointer<Float>,
                            width w: Int, height h: Int) -> [Int32] {
        let prethreshold = Float(0.5 * options.peakThreshold)
        let chunks: [[Int32]] = mapChunks(count: h, chunks: options.threads) { rows in
            // At most one extremum per 2 × 2 block.
            let capacity = max(16, rows.count * w / 4 + 16)
            var xy = [Int32](repeating: 0, count: 2 * capacity)
            let n = xy.withUnsafeMutableBufferPointer { out in
                v2w_find_extrema(below, mid, above, Int32(w), Int32(h), prethreshold, FeatureExtractor.border,
                                 Int32(rows.lowerBound), Int32(rows.upperBound), out.baseAddress!, Int32(capacity))
            }
            return Array(xy.prefix(2 * Int(n)))
        }
        return chunks.flatMap { $0 }
    }

    /// Sub-pixel refinement, contrast and edge tests, then one candidate per dominant orientation.
    private func refineAndOrient(_ xy: [Int32], _ range: Range<Int>, layer: Int, dogs: UnsafePointer<UnsafePointer<Float>?>,
                                 octave: Octave, slot: Int) -> [Candidate] {
        let w = Int32(octave.width), h = Int32(octave.height)
        var local: [Candidate] = []
        var angles = [Float](repeating: 0, count: options.maxOrientations)
        for k in range {
            var e = v2w_extremum()
            guard v2w_refine_extremum(dogs, Int32(options.layersPerOctave), w, h, xy[2 * k], xy[2 * k + 1], Int32(layer),
                                      Float(options.sigma), Float(options.peakThreshold), Float(options.edgeThreshold),
                                      FeatureExtractor.border, &e) == 1 else { continue }
            let field = octave.gradients[Int(e.layer) - 1]
            let n = field.magnitude.withUnsafeBufferPointer { m in
                field.angle.withUnsafeBufferPointer { g in
                    angles.withUnsafeMutableBufferPointer { a in
                        v2w_orientations(m.baseAddress!, g.baseAddress!, w, h, e.x, e.y, e.sigma, Float(options.orientationPeakRatio),
                                         a.baseAddress!, Int32(options.maxOrientations))
                    }
                }
            }
            for a in 0..<Int(n) {
                local.append(Candidate(slot: slot, octave: octave.index, layer: Int(e.layer), x: e.x, y: e.y, sigma: e.sigma,
                                       angle: angles[a], response: e.response, step: octave.step, offset: octave.offset))
            }
        }
        return local
    }
}
