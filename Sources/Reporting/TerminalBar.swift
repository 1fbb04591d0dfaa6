import Foundation

/// A live one-line bar on a terminal: `stage [#####-----] 40/100  12.3 it/s  0:05 left  loss 0.12`.
public final class TerminalBar: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private let width: Int
    private var lineIsOpen = false

    public init(width: Int = 28) { self.width = width }

    public func emit(_ event: ProgressEvent) {
        var line = "\r\u{1B}[2K" + event.stage + " "
        if event.total > 0 {
            let fraction = min(1, Double(event.done) / Double(event.total))
            let filled = Int((fraction * Double(width)).rounded(.down))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            line += "\(event.done)/\(event.total)"
        } else {
            line += "\(event.done)"
        }
        line += "  " + ProgressFormat.rate(event.rate, unit: event.unit)
        if event.finished {
            line += "  " + ProgressFormat.duration(event.elapsedSeconds)
        } else if let left = event.secondsLeft {
            line += "  " + ProgressFormat.duration(left) + " left"
        }
        for metric in event.metrics { line += "  \(metric.name) " + ProgressFormat.number(metric.value) }
        if event.finished { line += "\n" }
        lock.withLock {
            FileHandle.standardError.write(line.data(using: .utf8)!)
            lineIsOpen = !event.finished
        }
    }

    public func note(_ text: String) {
        lock.withLock {
            let prefix = lineIsOpen ? "\r\u{1B}[2K" : ""
            FileHandle.standardError.write((prefix + text + "\n").data(using: .utf8)!)
            lineIsOpen = false
        }
    }
}
