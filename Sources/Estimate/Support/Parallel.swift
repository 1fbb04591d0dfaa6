import Foundation

/// Splits 0..<count into `chunks` contiguous ranges (in order) and runs them concurrently.
/// Work is assigned by index, never by which thread finishes first, so results written per
/// range are deterministic.
func forEachChunk(count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
    let n = max(1, min(chunks, count))
    if n == 1 { if count > 0 { body(0..<count) }; return }
    DispatchQueue.concurrentPerform(iterations: n) { k in
        body((count * k / n)..<(count * (k + 1) / n))
    }
}

/// Like `forEachChunk`, collecting one result per range, in range order.
func mapChunks<T>(count: Int, chunks: Int, _ body: (Range<Int>) -> T) -> [T] {
    let n = max(1, min(chunks, count))
    var results = [T?](repeating: nil, count: n)
    results.withUnsafeMutableBufferPointer { slots in
        let out = slots.baseAddress!
        if n == 1 { out[0] = body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: n) { k in
            out[k] = body((count * k / n)..<(count * (k + 1) / n))
        }
    }
    return results.map { $0! }
}
