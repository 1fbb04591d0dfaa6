import CBLAS
import Geometry

/// Settings of the whole-image descriptor used to find loop closures.
public struct GlobalDescriptorOptions: Equatable, Sendable {
    /// Visual words of the vocabulary (k-means centres of RootSIFT descriptors).
    public var words: Int = 64
    /// Descriptors per image used, the first ones (the largest-scale keypoints in the default
    /// feature order): bounds the cost, and large blobs are the most view-stable.
    public var descriptorsPerImage: Int = 1500
    /// Descriptors (over all images) the vocabulary is trained on, and k-means iterations.
    public var trainingSample: Int = 20_000
    public var iterations: Int = 8
    public var seed: UInt64 = 0

    public init() {}
}

/// VLAD (Jégou et al. 2010) of an image's RootSIFT descriptors, against a vocabulary trained on
/// the images of this very run (no stored model to ship): for each word, the sum of the
/// residuals of the descriptors assigned to it; each block L2-normalised ("intra-
/// normalisation", Arandjelović and Zisserman 2013, so bursty repeated texture cannot dominate),
/// then signed square roots and a global L2 norm. Dot products of two descriptors rank images
/// by shared content, independent of where it sits in the image.
///
/// Chosen over a bag of words (needs a large vocabulary and an inverted file to be
/// discriminative; VLAD gets there with 64 words) and over a tiny-image/GIST code (not
/// invariant to the viewpoint change of a revisit from another distance or angle).
public struct GlobalDescriptors: Sendable {
    public let dimension: Int
    /// Row-major images × dimension, unit rows.
    public let vectors: [Float]
    public var count: Int { dimension == 0 ? 0 : vectors.count / dimension }

    public init(features: [Features], options: GlobalDescriptorOptions = .init()) {
        let d = Features.descriptorLength
        let used = features.map { min($0.count, options.descriptorsPerImage) }
        let total = used.reduce(0, +)
        let k = max(1, min(options.words, total))
        dimension = k * d
        guard total > 0 else { vectors = [Float](repeating: 0, count: features.count * k * d); return }

        // Training sample: evenly spaced over every image's used descriptors (deterministic).
        let stride = max(1, total / max(1, options.trainingSample))
        var sample: [Float] = []
        sample.reserveCapacity((total / stride + 1) * d)
        var running = 0
        for (f, n) in zip(features, used) {
            for i in 0..<n where (running + i) % stride == 0 { sample += f.descriptors[(i * d)..<((i + 1) * d)] }
            running += n
        }
        let centres = GlobalDescriptors.kMeans(sample, k: k, iterations: options.iterations, seed: options.seed)

        var all = [Float](repeating: 0, count: features.count * k * d)
        for (image, f) in features.enumerated() where used[image] > 0 {
            let descriptors = Array(f.descriptors[0..<(used[image] * d)])
            let words = GlobalDescriptors.assign(descriptors, centres: centres, k: k)
            var v = [Float](repeating: 0, count: k * d)
            for (i, w) in words.enumerated() {
                for c in 0..<d { v[w * d + c] += descriptors[i * d + c] - centres[w * d + c] }
            }
            for w in 0..<k {  // intra-normalisation
                var norm: Float = 0
                for c in 0..<d { norm += v[w * d + c] * v[w * d + c] }
                if norm > 0 { let s = 1 / norm.squareRoot(); for c in 0..<d { v[w * d + c] *= s } }
            }
            var norm: Float = 0
            for c in v.indices { v[c] = v[c] < 0 ? -(-v[c]).squareRoot() : v[c].squareRoot(); norm += v[c] * v[c] }
            if norm > 0 { let s = 1 / norm.squareRoot(); for c in v.indices { all[image * k * d + c] = v[c] * s } }
        }
        vectors = all
    }

    /// Similarity (dot product, in [−1, 1]) of every pair of images, row-major count × count.
    public func similarities() -> [Float] {
        let n = count
        var s = [Float](repeating: 0, count: n * n)
        guard n > 0 else { return s }
        vectors.withUnsafeBufferPointer { v in
            s.withUnsafeMutableBufferPointer { out in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(dimension), 1,
                            v.baseAddress!, Int32(dimension), v.baseAddress!, Int32(dimension), 0, out.baseAddress!, Int32(n))
            }
        }
        return s
    }

    /// Index of the nearest centre of each row (squared distance |x|² + |c|² − 2 x·c, so the
    /// largest x·c − |c|²/2), computed as one matrix product.
    static func assign(_ rows: [Float], centres: [Float], k: Int) -> [Int] {
        let d = Features.descriptorLength
        let n = rows.count / d
        guard n > 0 else { return [] }
        var dots = [Float](repeating: 0, count: n * k)
        rows.withUnsafeBufferPointer { x in
            centres.withUnsafeBufferPointer { c in
                dots.withUnsafeMutableBufferPointer { out in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(k), Int32(d), 1,
                                x.baseAddress!, Int32(d), c.baseAddress!, Int32(d), 0, out.baseAddress!, Int32(k))
                }
            }
        }
        var halfNorms = [Float](repeating: 0, count: k)
        for w in 0..<k { for c in 0..<d { halfNorms[w] += 0.5 * centres[w * d + c] * centres[w * d + c] } }
        return (0..<n).map { i in
            var best = 0, bestValue = -Float.greatestFiniteMagnitude
            for w in 0..<k { let value = dots[i * k + w] - halfNorms[w]; if value > bestValue { bestValue = value; best = w } }
            return best
        }
    }

    /// Lloyd's k-means from k distinct seeded picks; an emptied centre is re-seeded from the
    /// row farthest from its centre.
    static func kMeans(_ rows: [Float], k: Int, iterations: Int, seed: UInt64) -> [Float] {
        let d = Features.descriptorLength
        let n = rows.count / d
        var rng = SeededGenerator(seed: seed)
        var picks: [Int] = []
        var pickSet = Set<Int>()
        while picks.count < min(k, n) {
            let i = rng.nextInt(below: n)
            if pickSet.insert(i).inserted { picks.append(i) }
        }
        var centres = [Float](repeating: 0, count: k * d)
        for (w, i) in picks.enumerated() { for c in 0..<d { centres[w * d + c] = rows[i * d + c] } }
        for _ in 0..<iterations {
            let words = assign(rows, centres: centres, k: k)
            var sums = [Float](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            for (i, w) in words.enumerated() {
                counts[w] += 1
                for c in 0..<d { sums[w * d + c] += rows[i * d + c] }
            }
            for w in 0..<k {
                if counts[w] > 0 {
                    for c in 0..<d { centres[w * d + c] = sums[w * d + c] / Float(counts[w]) }
                } else {
                    var far = 0, farDistance: Float = -1
                    for (i, v) in words.enumerated() {
                        var s: Float = 0
                        for c in 0..<d { let e = rows[i * d + c] - centres[v * d + c]; s += e * e }
                        if s > farDistance { farDistance = s; far = i }
                    }
                    for c in 0..<d { centres[w * d + c] = rows[far * d + c] }
                }
            }
        }
        return centres
    }
}
