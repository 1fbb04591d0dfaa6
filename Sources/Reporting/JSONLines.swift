import Foundation

/// Machine-readable progress for scripts: one JSON object per line on standard output.
public final class JSONLines: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    public init() {}

    public func emit(_ event: ProgressEvent) {
        var object: [String: Any] = [
            "type": "progress", "stage": event.stage, "done": event.done, "total": event.total,
            "unit": event.unit, "rate": finite(event.rate), "elapsed": finite(event.elapsedSeconds),
            "finished": event.finished,
        ]
        if let left = event.secondsLeft { object["seconds_left"] = finite(left) }
        if !event.metrics.isEmpty {
            object["metrics"] = Dictionary(event.metrics.map { ($0.name, finite($0.value)) }, uniquingKeysWith: { $1 })
        }
        write(object)
    }

    public func note(_ text: String) { write(["type": "note", "text": text]) }

    public func write(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        lock.withLock { FileHandle.standardOutput.write(data + Data([0x0A])) }
    }

    private func finite(_ x: Double) -> Double { x.isFinite ? x : 0 }
}
