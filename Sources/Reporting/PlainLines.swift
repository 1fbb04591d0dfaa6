import Foundation

/// Plain periodic lines for logs and pipes (stderr not a terminal): one line every few seconds.
public final class PlainLines: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private let interval: TimeInterval
    private var lastLine: [String: Date] = [:]

    public init(interval: TimeInterval = 5) { self.interval = interval }

    public func emit(_ event: ProgressEvent) {
        let now = Date()
        let due: Bool = lock.withLock {
            let last = lastLine[event.stage] ?? .distantPast
            guard event.finished || event.done == 0 || now.timeIntervalSince(last) >= interval else { return false }
            lastLine[event.stage] = now
            return true
        }
        guard due else { return }
        var line = "[\(event.stage)] \(event.done)" + (event.total > 0 ? "/\(event.total)" : "")
        line += " " + ProgressFormat.rate(event.rate, unit: event.unit)
        if event.finished { line += " done in " + ProgressFormat.duration(event.elapsedSeconds) }
        else if let left = event.secondsLeft { line += " " + ProgressFormat.duration(left) + " left" }
        for metric in event.metrics { line += " \(metric.name)=" + ProgressFormat.number(metric.value) }
        FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
    }

    public func note(_ text: String) {
        FileHandle.standardError.write((text + "\n").data(using: .utf8)!)
    }
}
