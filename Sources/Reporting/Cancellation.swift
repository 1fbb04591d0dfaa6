import Foundation
import Synchronization

/// Thrown by `Cancellation.check()` once the user pressed Ctrl-C.
public struct CancelledError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped by the user (Ctrl-C)" }
}

/// Cooperative Ctrl-C: the first SIGINT sets a flag that long loops poll through `check()`, so each
/// stage can stop and remove its temporary files; a second SIGINT exits at once.
public enum Cancellation {
    private static let requested = Atomic<Bool>(false)
    private static let installed = Atomic<Bool>(false)
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    public static var isRequested: Bool { requested.load(ordering: .relaxed) }

    public static func check() throws {
        if isRequested { throw CancelledError() }
    }

    /// For tests and for programs that drive several jobs.
    public static func request() { requested.store(true, ordering: .relaxed) }
    public static func reset() { requested.store(false, ordering: .relaxed) }

    /// Routes SIGINT to the flag. Call once, from the command-line entry point.
    public static func installSignalHandler() {
        guard !installed.exchange(true, ordering: .relaxed) else { return }
        signal(SIGINT, SIG_IGN)
        let signalSource = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signalSource.setEventHandler {
            if requested.exchange(true, ordering: .relaxed) {
                FileHandle.standardError.write("\ninterrupted again: exiting now\n".data(using: .utf8)!)
                exit(130)
            }
            FileHandle.standardError.write("\nstopping after the current step (Ctrl-C again to exit now)\n".data(using: .utf8)!)
        }
        signalSource.resume()
        source = signalSource
    }
}
