import Foundation
import Media

/// What `vid2world INPUT` was given, which decides the route.
public enum InputKind: String, Equatable, Sendable {
    case video, image, folder

    /// Looks at the file itself (a still picture inside a video container counts as an image);
    /// a missing, empty or unreadable input is an error naming it.
    public static func of(_ url: URL) throws -> InputKind {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw PipelineError.badData(url.path, reason: "no such file or folder")
        }
        if isFolder.boolValue { return .folder }
        switch try ProbeJob.run(url) {
        case .video: return .video
        case .image: return .image
        }
    }
}
