import Foundation
import Splats

/// The standard 3D Gaussian Splatting PLY: binary little-endian, one `vertex` element with float
/// properties `x y z nx ny nz f_dc_0..2 f_rest_0..N opacity scale_0..2 rot_0..3` — rest
/// coefficients channel-major, scales as natural logs, opacity as a logit, rotation (w, x, y, z).
/// This is what the reference viewers and tools open.
public enum PLYFile {
    /// Property names in the reference order for a given SH degree.
    public static func propertyNames(shDegree: Int) -> [String] {
        let rest = 3 * ((shDegree + 1) * (shDegree + 1) - 1)
        return ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
            + (0..<rest).map { "f_rest_\($0)" }
            + ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
    }

    /// Writes `cloud` (temporary name, then rename). Splats holding a non-finite value or a zero
    /// quaternion are left out, so no NaN or infinity ever reaches a viewer; returns how many.
    @discardableResult
    public static func write(_ cloud: GaussianCloud, to url: URL) throws -> (written: Int, dropped: Int) {
        try cloud.validateLayout()
        let names = propertyNames(shDegree: cloud.shDegree)
        let k = cloud.shCoefficients
        var keep: [Int] = []
        keep.reserveCapacity(cloud.count)
        for i in 0..<cloud.count where cloud.isWritable(i) { keep.append(i) }

        var header = "ply\nformat binary_little_endian 1.0\ncomment written by vid2world\n"
        header += "element vertex \(keep.count)\n"
        for name in names { header += "property float \(name)\n" }
        header += "end_header\n"

        var body = [Float](repeating: 0, count: keep.count * names.count)
        var o = 0
        for i in keep {
            for a in 0..<3 { body[o] = cloud.means[3 * i + a]; o += 1 }
            o += 3  // normals: unused by splat viewers, written as zeros
            for c in 0..<3 { body[o] = cloud.sh[(i * k) * 3 + c]; o += 1 }
            for c in 0..<3 {
                for j in 1..<k { body[o] = cloud.sh[(i * k + j) * 3 + c]; o += 1 }
            }
            body[o] = cloud.opacityLogits[i]; o += 1
            for a in 0..<3 { body[o] = cloud.logScales[3 * i + a]; o += 1 }
            for a in 0..<4 { body[o] = cloud.rotations[4 * i + a]; o += 1 }
        }
        var data = Data(header.utf8)
        body.withUnsafeBufferPointer { buffer in
            // Little-endian hosts only (x86-64, arm64): the floats are already in file order.
            data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                            count: buffer.count * 4))
        }
        try ExportFile.write(data, to: url)
        return (keep.count, cloud.count - keep.count)
    }

    /// Reads a splat PLY. Properties are matched by name, not position (gsplat leaves out the
    /// normals, Brush orders fields its own way); any scalar type is accepted; SH degree 0–3 follows
    /// from the number of `f_rest_*` properties. A file whose header disagrees with its size is refused.
    public static func read(_ url: URL) throws -> GaussianCloud {
        var table: PropertyTable?
        var cloud = GaussianCloud(count: 0, shDegree: 0)
        try PLYVertices.read(url, noun: "splats", prepare: { vertex in
            let found = try PropertyTable(vertex, path: url.path)
            table = found
            cloud = GaussianCloud(count: vertex.count, shDegree: found.shDegree)
        }, store: { i, row in table!.store(row, into: &cloud, at: i) })
        return cloud
    }
}

/// Where each splat parameter sits in a vertex record, found by property name.
struct PropertyTable {
    let shDegree: Int
    private let mean: [Int], dc: [Int], rest: [Int], opacity: Int, scale: [Int], rotation: [Int]

    init(_ element: PLYHeader.Element, path: String) throws {
        var index: [String: Int] = [:]
        for (i, property) in element.properties.enumerated() { index[property.name] = i }
        func column(_ name: String) throws -> Int {
            guard let i = index[name] else { throw ExportError.missingProperty(path, name: name) }
            guard element.properties[i].type != .list else { throw ExportError.badHeader(path, reason: "'\(name)' is a list") }
            return i
        }
        mean = try ["x", "y", "z"].map(column)
        dc = try ["f_dc_0", "f_dc_1", "f_dc_2"].map(column)
        opacity = try column("opacity")
        scale = try ["scale_0", "scale_1", "scale_2"].map(column)
        rotation = try ["rot_0", "rot_1", "rot_2", "rot_3"].map(column)
        let restCount = element.properties.filter { $0.name.hasPrefix("f_rest_") }.count
        guard let degree = [0: 0, 9: 1, 24: 2, 45: 3][restCount] else {
            throw ExportError.badHeader(path, reason: "\(restCount) f_rest properties; expected 0, 9, 24 or 45 (SH degree 0 to 3)")
        }
        shDegree = degree
        rest = try (0..<restCount).map { try column("f_rest_\($0)") }
    }

    func store(_ row: [Float], into cloud: inout GaussianCloud, at i: Int) {
        let k = cloud.shCoefficients
        for a in 0..<3 {
            cloud.means[3 * i + a] = row[mean[a]]
            cloud.logScales[3 * i + a] = row[scale[a]]
            cloud.sh[(i * k) * 3 + a] = row[dc[a]]
        }
        // Rest coefficients are channel-major in the file: f_rest[c * (k - 1) + j - 1].
        for c in 0..<3 {
            for j in 1..<k { cloud.sh[(i * k + j) * 3 + c] = row[rest[c * (k - 1) + j - 1]] }
        }
        cloud.opacityLogits[i] = row[opacity]
        for a in 0..<4 { cloud.rotations[4 * i + a] = row[rotation[a]] }
    }
}

extension GaussianCloud {
    /// Finite everywhere and a non-zero quaternion.
    func isWritable(_ i: Int) -> Bool {
        let k = shCoefficients
        var q: Float = 0
        for a in 0..<4 { let v = rotations[4 * i + a]; guard v.isFinite else { return false }; q += v * v }
        guard q > 0, opacityLogits[i].isFinite else { return false }
        for a in 0..<3 where !means[3 * i + a].isFinite || !logScales[3 * i + a].isFinite { return false }
        for j in 0..<(3 * k) where !sh[i * k * 3 + j].isFinite { return false }
        return true
    }
}
