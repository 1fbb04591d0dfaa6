import Foundation

/// A trainer's complete state at an iteration boundary, as a little-endian binary file:
/// "V2WFITCK" and a format version, then the iteration, seed, strategy name, the splats, Adam's
/// step and moments, the exposure transforms and their Adam state, and the strategy's
/// statistics. Floats are stored bit for bit, so resuming repeats the uninterrupted fit exactly.
public struct TrainerCheckpoint: Equatable {
    public var iteration: Int
    public var seed: UInt64
    public var strategy: String
    public var state: TrainingState
    public var exposures: ExposureSet
    public var strategyArrays: [[Float]]

    static let magic = Array("V2WFITCK".utf8)
    static let version: UInt64 = 1

    public init(iteration: Int, seed: UInt64, strategy: String, state: TrainingState, exposures: ExposureSet,
                strategyArrays: [[Float]]) {
        self.iteration = iteration
        self.seed = seed
        self.strategy = strategy
        self.state = state
        self.exposures = exposures
        self.strategyArrays = strategyArrays
    }

    public func encoded() -> Data {
        var out = BinaryWriter()
        out.bytes(Self.magic)
        out.integer(Self.version)
        out.integer(UInt64(iteration))
        out.integer(seed)
        out.bytes(Array(strategy.utf8), counted: true)
        out.cloud(state.cloud)
        out.integer(UInt64(state.adam.step))
        out.cloud(state.adam.firstMoments)
        out.cloud(state.adam.secondMoments)
        out.integer(UInt64(exposures.transforms.count))
        out.floats(exposures.transforms.flatMap(\.parameters))
        out.floats(exposures.first)
        out.floats(exposures.second)
        for s in exposures.steps { out.integer(UInt64(s)) }
        out.integer(UInt64(strategyArrays.count))
        for a in strategyArrays { out.floats(a) }
        return out.data
    }

    public static func decode(_ data: Data, file: String) throws -> TrainerCheckpoint {
        var input = BinaryReader(data: data, file: file)
        guard try input.bytes(magic.count) == magic else { throw input.failure("not a vid2world fit checkpoint") }
        let version = try input.integer()
        guard version == Self.version else { throw input.failure("format version \(version), expected \(Self.version)") }
        let iteration = Int(try input.integer(max: 1 << 40))
        let seed = try input.integer()
        let strategy = String(decoding: try input.bytes(Int(try input.integer(max: 64))), as: UTF8.self)
        let cloud = try input.cloud()
        let step = Int(try input.integer(max: 1 << 40))
        var adam = SplatAdam(like: cloud)
        adam.step = step
        adam.firstMoments = try input.cloud()
        adam.secondMoments = try input.cloud()
        guard adam.firstMoments.count == cloud.count, adam.secondMoments.count == cloud.count,
              adam.firstMoments.shDegree == cloud.shDegree, adam.secondMoments.shDegree == cloud.shDegree else {
            throw input.failure("optimiser moments do not match the splats")
        }
        let viewCount = Int(try input.integer(max: 1 << 24))
        var exposures = ExposureSet(count: viewCount)
        let parameters = try input.floats(count: viewCount * ExposureTransform.parameterCount)
        for v in 0..<viewCount {
            exposures.transforms[v].parameters = Array(parameters[v * 12..<(v + 1) * 12])
        }
        exposures.first = try input.floats(count: viewCount * ExposureTransform.parameterCount)
        exposures.second = try input.floats(count: viewCount * ExposureTransform.parameterCount)
        for v in 0..<viewCount { exposures.steps[v] = Int(try input.integer(max: 1 << 40)) }
        let arrayCount = Int(try input.integer(max: 64))
        var arrays: [[Float]] = []
        for _ in 0..<arrayCount { arrays.append(try input.floats()) }
        guard input.atEnd else { throw input.failure("has \(input.remaining) bytes after its end") }
        return TrainerCheckpoint(iteration: iteration, seed: seed, strategy: strategy,
                                 state: TrainingState(cloud: cloud, adam: adam), exposures: exposures, strategyArrays: arrays)
    }

    /// Writes to a temporary name beside `url`, then renames it over `url`.
    public func write(to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do { try encoded().write(to: temporary) } catch {
            throw SplatsError.badOptions(field: url.path, reason: "cannot write the checkpoint: \(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SplatsError.badOptions(field: url.path, reason: "cannot write the checkpoint: \(reason)")
        }
    }

    public static func read(_ url: URL) throws -> TrainerCheckpoint {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SplatsError.badOptions(field: url.path, reason: "cannot read the checkpoint: \(error.localizedDescription)")
        }
        return try decode(data, file: url.path)
    }
}

struct BinaryWriter {
    var data = Data()

    mutating func bytes(_ b: [UInt8], counted: Bool = false) {
        if counted { integer(UInt64(b.count)) }
        data.append(contentsOf: b)
    }

    mutating func integer(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }

    mutating func floats(_ values: [Float]) {
        integer(UInt64(values.count))
        values.withUnsafeBufferPointer { p in
            for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
    }

    mutating func cloud(_ c: GaussianCloud) {
        integer(UInt64(c.count))
        integer(UInt64(c.shDegree))
        for a in [c.means, c.logScales, c.rotations, c.opacityLogits, c.sh] { floats(a) }
    }
}

struct BinaryReader {
    let data: Data
    let file: String
    var offset = 0

    init(data: Data, file: String) {
        self.data = data
        self.file = file
    }

    var remaining: Int { data.count - offset }
    var atEnd: Bool { remaining == 0 }

    func failure(_ reason: String) -> SplatsError { .badOptions(field: file, reason: "checkpoint " + reason) }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= remaining else { throw failure("is truncated") }
        let start = data.startIndex + offset
        offset += n
        return Array(data[start..<start + n])
    }

    mutating func integer(max: UInt64 = .max) throws -> UInt64 {
        let b = try bytes(8)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[k]) << (8 * UInt64(k)) }
        guard v <= max else { throw failure("holds an implausible count \(v)") }
        return v
    }

    mutating func floats(count expected: Int? = nil) throws -> [Float] {
        let n = Int(try integer(max: UInt64(remaining / 4)))
        if let expected, n != expected { throw failure("holds \(n) values where \(expected) were expected") }
        let b = try bytes(4 * n)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let bits = UInt32(b[4 * i]) | UInt32(b[4 * i + 1]) << 8 | UInt32(b[4 * i + 2]) << 16 | UInt32(b[4 * i + 3]) << 24
            out[i] = Float(bitPattern: bits)
        }
        return out
    }

    mutating func cloud() throws -> GaussianCloud {
        let count = Int(try integer(max: UInt64(Int32.max)))
        let degree = Int(try integer(max: 3))
        var c = GaussianCloud(count: 0, shDegree: degree)
        c.count = count
        c.means = try floats(count: 3 * count)
        c.logScales = try floats(count: 3 * count)
        c.rotations = try floats(count: 4 * count)
        c.opacityLogits = try floats(count: count)
        c.sh = try floats(count: count * c.shCoefficients * 3)
        return c
    }
}
