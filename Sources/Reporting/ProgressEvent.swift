import Foundation

/// One update of a long-running stage: what is done, how fast, and what is left.
public struct ProgressEvent: Sendable {
    public var stage: String
    public var done: Int
    /// Zero when the total is unknown.
    public var total: Int
    public var unit: String
    /// Units per second since the stage started.
    public var rate: Double
    public var elapsedSeconds: Double
    /// Nil when the total is unknown or nothing is done yet.
    public var secondsLeft: Double?
    /// Stage-specific figures (loss, PSNR, splats, ...), in the order they should be shown.
    public var metrics: [Metric]
    public var finished: Bool

    public struct Metric: Sendable {
        public var name: String
        public var value: Double
        public init(_ name: String, _ value: Double) { self.name = name; self.value = value }
    }
}

/// Where progress events go: a terminal bar, plain log lines or JSON lines (see `ProgressSinks`).
public protocol ProgressSink: AnyObject, Sendable {
    func emit(_ event: ProgressEvent)
    /// A one-off message (a warning or a note) that should not break the bar.
    func note(_ text: String)
}
