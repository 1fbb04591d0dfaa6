import Foundation

/// The fields of a JSON config file (a DiT's config.json, a refiner's refiner.json), read with
/// the errors both report: a missing or unreadable file, not a JSON object, a field of the wrong
/// kind (named by file and field).
struct ConfigFile {
    let path: String
    let fields: [String: ConfigValue]

    init(url: URL) throws {
        path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw GenerateError.fileNotFound(file: path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GenerateError.unreadable(file: path, reason: error.localizedDescription)
        }
        do { fields = try JSONDecoder().decode([String: ConfigValue].self, from: data) } catch {
            throw GenerateError.badConfig(file: path, field: "(file)", reason: "not a JSON object")
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let value = fields[key] else { return nil }
        guard case let .number(d) = value, d == d.rounded(), abs(d) < 1e9 else {
            throw GenerateError.badConfig(file: path, field: key, reason: "expected an integer")
        }
        return Int(d)
    }

    func double(_ key: String) throws -> Double? {
        guard let value = fields[key] else { return nil }
        guard case let .number(d) = value, d.isFinite else {
            throw GenerateError.badConfig(file: path, field: key, reason: "expected a number")
        }
        return d
    }
}

/// A JSON value as the config files use them.
enum ConfigValue: Decodable {
    case number(Double), string(String), list([Double]), other

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { _ = b; self = .other }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let l = try? c.decode([Double].self) { self = .list(l) }
        else { self = .other }
    }
}
