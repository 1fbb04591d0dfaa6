import CBLAS
import CFeatures

/// Settings of descriptor matching. Defaults follow COLMAP's SIFT matching.
public struct MatchOptions: Equatable, Sendable {
    /// Lowe's ratio test: the nearest neighbour's descriptor distance must be below this
    /// fraction of the second nearest's.
    public var maxRatio: Float = 0.8
    /// Largest descriptor (Euclidean) distance accepted; RootSIFT distances lie in [0, √2].
    public var maxDistance: Float = 0.7
    /// Keep a match only when each keypoint is the other's nearest neighbour.
    public var crossCheck: Bool = true
    /// Rows of the similarity matrix formed per BLAS call (memory: blockRows × count₂ floats;
    /// small enough to stay in cache while it is scanned).
    public var blockRows: Int = 256

    public init(maxRatio: Float = 0.8, maxDistance: Float = 0.7, crossCheck: Bool = true, blockRows: Int = 256) {
        self.maxRatio = maxRatio; self.maxDistance = maxDistance; self.crossCheck = crossCheck; self.blockRows = blockRows
    }

    public func validate() throws {
        guard maxRatio > 0, maxRatio <= 1 else {
            throw EstimateError.invalidOption(field: "maxRatio", reason: "must be in (0, 1], got \(maxRatio)")
        }
        guard maxDistance > 0, maxDistance.isFinite else {
            throw EstimateError.invalidOption(field: "maxDistance", reason: "must be positive, got \(maxDistance)")
        }
        guard blockRows >= 1 else {
            throw EstimateError.invalidOption(field: "blockRows", reason: "must be ≥ 1, got \(blockRows)")
        }
    }
}

/// A putative correspondence between keypoint `index1` of the first image and `index2` of the
/// second.
public struct Match: Equatable, Hashable, Sendable {
    public var index1: Int
    public var index2: Int
    /// Euclidean distance of the two descriptors.
    public var distance: Float

    public init(index1: Int, index2: Int, distance: Float) {
        self.index1 = index1; self.index2 = index2; self.distance = distance
    }
}

/// Nearest-neighbour descriptor matching with the ratio test and an optional mutual check.
/// Distances come from dot products (unit descriptors: d² = 2 − 2 a·b) computed as a matrix
/// product with BLAS, a block of rows at a time.
public enum Matcher {
    public static func match(_ a: Features, _ b: Features, options: MatchOptions = .init()) throws -> [Match] {
        try match(descriptors1: a.descriptors, descriptors2: b.descriptors, options: options)
    }

    /// Matches two row-major n × 128 descriptor arrays of unit-norm rows.
    public static func match(descriptors1: [Float], descriptors2: [Float], options: MatchOptions = .init()) throws -> [Match] {
        try options.validate()
        let d = Features.descriptorLength
        guard descriptors1.count % d == 0 else { throw EstimateError.malformedDescriptors(count: descriptors1.count / d, floats: descriptors1.count) }
        guard descriptors2.count % d == 0 else { throw EstimateError.malformedDescriptors(count: descriptors2.count / d, floats: descriptors2.count) }
        let n1 = descriptors1.count / d, n2 = descriptors2.count / d
        guard n1 > 0, n2 > 0 else { return [] }

        var best = [Int32](repeating: -1, count: n1)
        var bestValue = [Float](repeating: 0, count: n1), secondValue = [Float](repeating: 0, count: n1)
        var columnBest = [Int32](repeating: -1, count: n2)
        var columnValue = [Float](repeating: -.greatestFiniteMagnitude, count: n2)
        let block = min(options.blockRows, n1)
        var similarity = [Float](repeating: 0, count: block * n2)

        descriptors1.withUnsafeBufferPointer { a in
            descriptors2.withUnsafeBufferPointer { b in
                similarity.withUnsafeMutableBufferPointer { s in
                    var row = 0
                    while row < n1 {
                        let rows = min(block, n1 - row)
                        // S = A[row ..< row + rows] · Bᵀ
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n2), Int32(d), 1,
                                    a.baseAddress! + row * d, Int32(d), b.baseAddress!, Int32(d), 0, s.baseAddress!, Int32(n2))
                        best.withUnsafeMutableBufferPointer { bi in
                            bestValue.withUnsafeMutableBufferPointer { bv in
                                secondValue.withUnsafeMutableBufferPointer { sv in
                                    columnBest.withUnsafeMutableBufferPointer { cb in
                                        columnValue.withUnsafeMutableBufferPointer { cv in
                                            v2w_scan_similarities(s.baseAddress!, Int32(rows), Int32(n2), Int32(row),
                                                                  bi.baseAddress! + row, bv.baseAddress! + row, sv.baseAddress! + row,
                                                                  cb.baseAddress!, cv.baseAddress!)
                                        }
                                    }
                                }
                            }
                        }
                        row += rows
                    }
                }
            }
        }

        func distance(_ dotProduct: Float) -> Float { max(0, 2 - 2 * dotProduct).squareRoot() }
        var matches: [Match] = []
        for i in 0..<n1 {
            let j = Int(best[i])
            guard j >= 0 else { continue }
            let d1 = distance(bestValue[i])
            guard d1 <= options.maxDistance else { continue }
            if n2 > 1 {
                let d2 = distance(secondValue[i])
                guard d1 < options.maxRatio * d2 else { continue }
            }
            if options.crossCheck && Int(columnBest[j]) != i { continue }
            matches.append(Match(index1: i, index2: j, distance: d1))
        }
        return matches
    }
}
