import Export
import Foundation

/// The point cloud a nerfstudio cameras file names with `ply_file_path` (nerfstudio's key for the
/// points that initialise splats; `vid2world estimate` points it at `sparse.ply`).
enum InitialPoints {
    /// Positions (count × 3) and colours in [0, 1]; both empty when the file names no points.
    static func read(camerasFile url: URL, folder: URL) throws -> (positions: [Float], colours: [Float]) {
        let root = try TransformsKeys.root(url)
        guard let value = root["ply_file_path"] else { return ([], []) }
        guard let path = value as? String, !path.isEmpty else {
            throw PipelineError.badData(url.path, reason: "ply_file_path is not a file name")
        }
        let file = folder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw PipelineError.badData(file.path, reason: "named by ply_file_path in \(url.lastPathComponent) but missing")
        }
        return try PointCloudFile.read(file)
    }
}
