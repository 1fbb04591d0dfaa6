import Foundation

/// A nerfstudio cameras file as a plain JSON object, for the keys Geometry's reader leaves out
/// (depth maps, initial points).
enum TransformsKeys {
    static func root(_ url: URL) throws -> [String: Any] {
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw PipelineError.badData(url.path, reason: "is not a JSON object")
            }
            return object
        } catch let error as PipelineError { throw error } catch {
            throw PipelineError.badData(url.path, reason: "cannot be read (\(error.localizedDescription))")
        }
    }
}
