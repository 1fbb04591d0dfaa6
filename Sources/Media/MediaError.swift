import Foundation

/// Everything that can go wrong reading or writing media; each case names the file and the cause.
public enum MediaError: Error, CustomStringConvertible, Equatable {
    case missingFile(String)
    case emptyFile(String)
    case notReadable(String, reason: String)
    case notMedia(String, reason: String)
    case truncated(String, reason: String)
    case noVideoStream(String)
    case decodeFailed(String, reason: String)
    case encodeFailed(String, reason: String)
    case writeFailed(String, reason: String)
    case invalidArgument(String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): no such file"
        case .emptyFile(let path): return "\(path): the file is empty"
        case .notReadable(let path, let reason): return "\(path): cannot read the file (\(reason))"
        case .notMedia(let path, let reason): return "\(path): not an image or video this tool can read (\(reason))"
        case .truncated(let path, let reason): return "\(path): the file is truncated or corrupt (\(reason))"
        case .noVideoStream(let path): return "\(path): the file holds no video stream"
        case .decodeFailed(let path, let reason): return "\(path): decoding failed (\(reason))"
        case .encodeFailed(let path, let reason): return "\(path): encoding failed (\(reason))"
        case .writeFailed(let path, let reason): return "\(path): cannot write the file (\(reason))"
        case .invalidArgument(let what, let reason): return "\(what): \(reason)"
        }
    }
}

enum InputFile {
    /// Checks a path before any decoder sees it, so the common mistakes get a precise message.
    static func check(_ url: URL) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError.missingFile(path)
        }
        if isDirectory.boolValue { throw MediaError.notReadable(path, reason: "it is a folder") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if size == 0 { throw MediaError.emptyFile(path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MediaError.notReadable(path, reason: "permission denied")
        }
    }

    static func readAll(_ url: URL) throws -> Data {
        try check(url)
        do { return try Data(contentsOf: url) } catch {
            throw MediaError.notReadable(url.path, reason: error.localizedDescription)
        }
    }
}

/// Writes through a temporary sibling and renames into place, so no half-written file is left.
public enum AtomicFile {
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    }

    /// Runs `write` on a temporary path, then moves the result over `url`.
    public static func write(to url: URL, _ write: (URL) throws -> Void) throws {
        let temporary = temporaryURL(for: url)
        do {
            try write(temporary)
            try replace(url, with: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { temporary in
            do { try data.write(to: temporary) } catch {
                throw MediaError.writeFailed(url.path, reason: error.localizedDescription)
            }
        }
    }

    static func replace(_ url: URL, with temporary: URL) throws {
        if rename(temporary.path, url.path) != 0 {
            throw MediaError.writeFailed(url.path, reason: String(cString: strerror(errno)))
        }
    }
}
