import Foundation

enum ExportFile {
    /// Writes `data` to a temporary name beside `url`, then renames it into place, so a reader
    /// never sees half a file.
    static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw ExportError.writeFailed(url.path, reason: String(cString: strerror(errno))) }
        } catch let error as ExportError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ExportError.writeFailed(url.path, reason: error.localizedDescription)
        }
    }
}
