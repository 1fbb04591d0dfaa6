import Foundation

/// A job's outputs are written into a hidden staging folder beside the destination and moved into
/// place only when the job succeeds, so a failure or Ctrl-C leaves no half-written results.
public final class StagingFolder {
    public let destination: URL
    /// Where the job writes; files keep their final names inside it.
    public let url: URL
    private var committed = false

    public init(destination: URL) throws {
        self.destination = destination.standardizedFileURL
        let parent = self.destination.deletingLastPathComponent()
        url = parent.appendingPathComponent(".\(self.destination.lastPathComponent).staging-\(getpid())")
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            throw MediaError.writeFailed(destination.path, reason: "cannot create the output folder (\(error.localizedDescription))")
        }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: url) }
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Moves every staged entry into the destination (created if needed), replacing entries of the
    /// same name, then removes the staging folder.
    public func commit() throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: destination, withIntermediateDirectories: true)
            for name in try manager.contentsOfDirectory(atPath: url.path) {
                let target = destination.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    try manager.removeItem(at: target)
                }
                if rename(url.appendingPathComponent(name).path, target.path) != 0 {
                    throw MediaError.writeFailed(target.path, reason: String(cString: strerror(errno)))
                }
            }
            try manager.removeItem(at: url)
            committed = true
        } catch let error as MediaError {
            throw error
        } catch {
            throw MediaError.writeFailed(destination.path, reason: error.localizedDescription)
        }
    }
}
