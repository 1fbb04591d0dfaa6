import Foundation

/// Counts the work of one stage and forwards throttled events to a sink.
/// Thread-safe: workers on several cores may call `advance`.
public final class Progress: @unchecked Sendable {
    public let stage: String
    public let unit: String
    private let sink: ProgressSink?
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    private var totalCount: Int
    private var lastEmit = Date.distantPast
    private var metrics: [ProgressEvent.Metric] = []
    private var finished = false
    /// Events are sent at most this often (the final one always goes out).
    private let minimumInterval: TimeInterval

    public init(stage: String, total: Int, unit: String = "it", sink: ProgressSink?, minimumInterval: TimeInterval = 0.1) {
        self.stage = stage
        self.totalCount = max(0, total)
        self.unit = unit
        self.sink = sink
        self.minimumInterval = minimumInterval
    }

    /// The work the stage expects in all.
    public var total: Int { lock.withLock { totalCount } }

    /// Corrects the total once the work is known exactly (pairs a stage adds along the way).
    public func setTotal(_ count: Int) {
        lock.withLock { totalCount = max(0, count) }
    }

    public func advance(_ count: Int = 1, metrics newMetrics: [ProgressEvent.Metric]? = nil) {
        update(metrics: newMetrics) { $0 += count }
    }

    /// Sets the work done so far (for a stage that counts a state, such as images registered,
    /// which another pass may take up again from where the first stopped).
    public func set(done count: Int) {
        update(metrics: nil) { $0 = count }
    }

    private func update(metrics newMetrics: [ProgressEvent.Metric]?, _ change: (inout Int) -> Void) {
        guard let sink else { return }
        let event: ProgressEvent? = lock.withLock {
            change(&done)
            if let newMetrics { metrics = newMetrics }
            let now = Date()
            guard now.timeIntervalSince(lastEmit) >= minimumInterval else { return nil }
            lastEmit = now
            return makeEvent(now: now)
        }
        if let event { sink.emit(event) }
    }

    public func finish() {
        guard let sink else { return }
        let event: ProgressEvent? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            return makeEvent(now: Date())
        }
        if let event { sink.emit(event) }
    }

    public func note(_ text: String) { sink?.note(text) }

    private func makeEvent(now: Date) -> ProgressEvent {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var left: Double? = nil
        if totalCount > 0, done > 0, rate > 0 { left = Double(max(0, totalCount - done)) / rate }
        return ProgressEvent(stage: stage, done: done, total: totalCount, unit: unit, rate: rate,
                             elapsedSeconds: elapsed, secondsLeft: finished ? 0 : left,
                             metrics: metrics, finished: finished)
    }
}
