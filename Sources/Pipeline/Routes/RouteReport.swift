import Foundation
import Media

/// `report.json` of a whole route: each stage's own report (settings, timings, metrics) under
/// its name, the route's timings and notes.
enum RouteReport {
    static func write(route: String, input: URL, stages: [String: Any], timings: [String: Double], notes: [String],
                      to url: URL) throws {
        let report: [String: Any] = [
            "route": route,
            "input": input.path,
            "stages": stages,
            "timings_seconds": timings,
            "notes": notes,
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(data, to: url)
    }

    /// A stage's report as it wrote it, to nest in the route's.
    static func read(_ url: URL) throws -> [String: Any] {
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PipelineError.badData(url.path, reason: "the stage's report is missing or not a JSON object")
        }
        return object
    }
}
