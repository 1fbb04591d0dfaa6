import Foundation

/// One view's depth map as a cameras.json names it: `depth_file_path` (16-bit, value × `unit` =
/// camera z, 0 = no depth) and optionally `depth_confidence_file_path` (8-bit, confidence × 255).
/// The map may be smaller than the image: depth pixel (i, j) is the image point
/// ((i + ½)·W/w, (j + ½)·H/h).
public struct DepthFile: Equatable {
    public var depth: URL
    public var confidence: URL?
    public var unit: Double

    public init(depth: URL, confidence: URL?, unit: Double) {
        self.depth = depth; self.confidence = confidence; self.unit = unit
    }
}

/// Reads the depth keys of a nerfstudio transforms file (Geometry's reader ignores them).
enum DepthFiles {
    /// nerfstudio's default when a file names depth maps without `depth_unit_scale_factor`.
    static let defaultUnit = 0.001

    /// Per frame of `url` (in file order), its depth files resolved against `folder`, or nil.
    static func read(_ url: URL, folder: URL) throws -> [DepthFile?] { try entries(url, folder: folder).map(\.depth) }

    /// For a COLMAP model's images: the depth files of a `cameras.json` in `folder` (as
    /// `vid2world estimate` leaves beside its models), matched by image file stem; nil for an
    /// image it does not list, and all nil when there is no such file.
    static func matching(imageNames: [String], folder: URL) throws -> [DepthFile?] {
        let url = folder.appendingPathComponent("cameras.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return imageNames.map { _ in nil } }
        var byStem: [String: DepthFile] = [:]
        for entry in try entries(url, folder: folder) {
            guard let depth = entry.depth else { continue }
            byStem[stem(entry.image)] = depth
        }
        return imageNames.map { byStem[stem($0)] }
    }

    static func stem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// Each frame's `file_path` ("" when absent) and depth files.
    private static func entries(_ url: URL, folder: URL) throws -> [(image: String, depth: DepthFile?)] {
        let root = try TransformsKeys.root(url)
        guard let frames = root["frames"] as? [[String: Any]] else {
            throw PipelineError.badData(url.path, reason: "frames is not an array of objects")
        }
        var unit = defaultUnit
        if let value = root["depth_unit_scale_factor"] {
            guard let number = value as? Double, number > 0, number.isFinite else {
                throw PipelineError.badData(url.path, reason: "depth_unit_scale_factor must be a positive number, got \(value)")
            }
            unit = number
        }
        return try frames.enumerated().map { k, frame in
            let image = frame["file_path"] as? String ?? ""
            guard let depthValue = frame["depth_file_path"] else { return (image, nil) }
            guard let depth = depthValue as? String else {
                throw PipelineError.badData(url.path, reason: "frames[\(k)].depth_file_path is not a string")
            }
            var confidence: URL? = nil
            if let value = frame["depth_confidence_file_path"] {
                guard let path = value as? String else {
                    throw PipelineError.badData(url.path, reason: "frames[\(k)].depth_confidence_file_path is not a string")
                }
                confidence = folder.appendingPathComponent(path)
            }
            return (image, DepthFile(depth: folder.appendingPathComponent(depth), confidence: confidence, unit: unit))
        }
    }
}
