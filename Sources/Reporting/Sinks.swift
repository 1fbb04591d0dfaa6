import Foundation

public enum ProgressSinks {
    /// The sink a command-line run wants: JSON lines when asked, a live bar on a terminal, plain lines otherwise.
    public static func standard(json: Bool) -> ProgressSink {
        if json { return JSONLines() }
        return isatty(STDERR_FILENO) != 0 ? TerminalBar() : PlainLines()
    }
}
