import Dispatch

/// A grow-only buffer of trivial values that the rasterizer owns between calls.
final class ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        pointer = .allocate(capacity: 1)
        capacity = 1
    }

    /// Makes room for `count` elements; the contents are lost when it grows.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = max(count, capacity + capacity / 2)
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}

/// Runs `body` on disjoint ranges covering 0..<count, on up to `threads` cores. The kernels give
/// the same result for any split, so the split only matters for speed: several chunks per
/// thread even out tiles of unequal cost.
func forEachRange(_ count: Int, threads: Int, _ body: (Int, Int) -> Void) {
    guard count > 0 else { return }
    let chunks = threads <= 1 ? 1 : min(count, threads * 8)
    if chunks == 1 {
        body(0, count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let begin = count * c / chunks, end = count * (c + 1) / chunks
        if begin < end { body(begin, end) }
    }
}
