import Foundation
import Geometry
import Yams

/// One value of a recipe together with where it sits (`objects[2].texture.scale`), so every error
/// can name the file, the key and the reason.
struct RecipeNode {
    let node: Node
    let path: String
    let file: String

    func fail(_ reason: String) -> RenderError { .invalidRecipe(file: file, key: path.isEmpty ? "(top level)" : path, reason: reason) }

    private var kindName: String {
        switch node {
        case .scalar(let s): return "\"\(s.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    private var line: String {
        node.mark.map { " (line \($0.line))" } ?? ""
    }

    func wrongType(_ expected: String) -> RenderError { fail("expected \(expected), got \(kindName)\(line)") }

    func child(_ key: String, _ value: Node) -> RecipeNode {
        RecipeNode(node: value, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    // MARK: scalars

    func string() throws -> String {
        guard case .scalar(let s) = node else { throw wrongType("a string") }
        return s.string
    }

    func double() throws -> Double {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let value = Double(s.string),
              value.isFinite else { throw wrongType("a number") }
        return value
    }

    func double(in range: ClosedRange<Double>) throws -> Double {
        let value = try double()
        guard range.contains(value) else { throw fail("\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    func positive() throws -> Double {
        let value = try double()
        guard value > 0 else { throw fail("must be greater than 0, got \(value)") }
        return value
    }

    func int(in range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let value = Int(s.string) else {
            throw wrongType("a whole number")
        }
        guard range.contains(value) else { throw fail("\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    func bool() throws -> Bool {
        guard case .scalar(let s) = node else { throw wrongType("true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw wrongType("true or false")
        }
    }

    // MARK: collections

    func list() throws -> [RecipeNode] {
        guard case .sequence(let items) = node else { throw wrongType("a list") }
        return items.enumerated().map { RecipeNode(node: $0.element, path: "\(path)[\($0.offset)]", file: file) }
    }

    func numbers(count: Int) throws -> [Double] {
        guard case .sequence(let items) = node, items.count == count else { throw wrongType("a list of \(count) numbers") }
        return try list().map { try $0.double() }
    }

    func vec3() throws -> Vec3 {
        let v = try numbers(count: 3)
        return Vec3(v[0], v[1], v[2])
    }

    /// A uniform scale (one number) or per-axis scale ([x, y, z]); components must be non-zero.
    func scale() throws -> Vec3 {
        let v: Vec3
        if case .scalar = node { v = Vec3(repeating: try double()) } else { v = try vec3() }
        guard v.x != 0, v.y != 0, v.z != 0 else { throw fail("scale must not be zero") }
        return v
    }

    /// [r, g, b] with components in [0, 1], or a single grey level.
    func color() throws -> SIMD3<Float> {
        if case .scalar = node {
            let g = Float(try double(in: 0...1))
            return SIMD3(g, g, g)
        }
        guard case .sequence(let items) = node, items.count == 3 else { throw wrongType("a colour [r, g, b] in 0...1") }
        let v = try list().map { try $0.double(in: 0...1) }
        return SIMD3(Float(v[0]), Float(v[1]), Float(v[2]))
    }

    /// A mapping whose keys must all be in `allowed`.
    func fields(_ allowed: [String]) throws -> RecipeFields {
        guard case .mapping(let mapping) = node else { throw wrongType("a mapping") }
        var values: [String: RecipeNode] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else { throw fail("keys must be plain names") }
            let key = keyScalar.string
            guard allowed.contains(key) else {
                throw child(key, value).fail("unknown key; expected one of: \(allowed.joined(separator: ", "))")
            }
            guard values[key] == nil else { throw child(key, value).fail("key appears twice") }
            values[key] = child(key, value)
        }
        return RecipeFields(owner: self, values: values)
    }
}

/// The checked keys of one mapping.
struct RecipeFields {
    let owner: RecipeNode
    let values: [String: RecipeNode]

    subscript(key: String) -> RecipeNode? { values[key] }

    func require(_ key: String) throws -> RecipeNode {
        guard let value = values[key] else {
            let at = owner.path.isEmpty ? key : "\(owner.path).\(key)"
            throw RenderError.invalidRecipe(file: owner.file, key: at, reason: "missing required key")
        }
        return value
    }

    /// Exactly one of `keys` must be present; returns which.
    func exactlyOne(of keys: [String]) throws -> (String, RecipeNode) {
        let present = keys.filter { values[$0] != nil }
        guard present.count == 1, let key = present.first, let value = values[key] else {
            let reason = present.isEmpty ? "needs one of: \(keys.joined(separator: ", "))"
                                         : "has more than one of: \(present.joined(separator: ", "))"
            throw owner.fail(reason)
        }
        return (key, value)
    }

    func double(_ key: String, default fallback: Double) throws -> Double {
        try values[key]?.double() ?? fallback
    }

    func positive(_ key: String, default fallback: Double) throws -> Double {
        try values[key]?.positive() ?? fallback
    }

    func int(_ key: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        try values[key]?.int(in: range) ?? fallback
    }

    func vec3(_ key: String, default fallback: Vec3) throws -> Vec3 {
        try values[key]?.vec3() ?? fallback
    }

    func color(_ key: String, default fallback: SIMD3<Float>) throws -> SIMD3<Float> {
        try values[key]?.color() ?? fallback
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        try values[key]?.bool() ?? fallback
    }
}
