import Foundation

/// Splits row ranges over the cores; small jobs stay on the calling thread.
enum Parallel {
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on contiguous sub-ranges of 0..<count, one per worker when `count · cost`
    /// (roughly, floats touched) is large enough to pay for the hand-off.
    static func ranges(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(workers, count)
        if chunks <= 1 || count * cost < 16_384 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            let lower = count * k / chunks, upper = count * (k + 1) / chunks
            if lower < upper { body(lower..<upper) }
        }
    }
}
