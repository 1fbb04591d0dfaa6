import Foundation

/// A coloured point cloud as PLY: written as binary little-endian `x y z` (float) `red green
/// blue` (uchar) — the layout COLMAP, Open3D and nerfstudio's `ply_file_path` read; read back
/// from any PLY whose vertices have x, y, z (colours optional), matched by name.
public enum PointCloudFile {
    /// Writes `count` points (positions count × 3, colours count × 3 bytes) through a temporary
    /// name, renamed into place.
    public static func write(positions: [Float], colours: [UInt8], to url: URL) throws {
        let count = positions.count / 3
        guard positions.count == 3 * count, colours.count == 3 * count else {
            throw ExportError.writeFailed(url.path, reason: "\(positions.count) coordinates and \(colours.count) colour bytes do not describe whole points")
        }
        var data = Data("ply\nformat binary_little_endian 1.0\ncomment written by vid2world\nelement vertex \(count)\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n".utf8)
        data.reserveCapacity(data.count + 15 * count)
        for i in 0..<count {
            for a in 0..<3 { withUnsafeBytes(of: positions[3 * i + a].bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            data.append(contentsOf: colours[(3 * i)..<(3 * i + 3)])
        }
        try ExportFile.write(data, to: url)
    }

    /// Positions (count × 3) and colours (count × 3 in [0, 1]; 8-bit and 16-bit integers are
    /// scaled by their range, floats kept; grey when the file has no colours). Points with a
    /// non-finite coordinate are refused: they would poison whatever starts from them.
    public static func read(_ url: URL) throws -> (positions: [Float], colours: [Float]) {
        var positions: [Float] = [], colours: [Float] = []
        var xyz: [Int] = [], rgb: [Int]? = nil, scales: [Float] = []
        var badRow: Int? = nil
        try PLYVertices.read(url, noun: "points", prepare: { vertex in
            var index: [String: Int] = [:]
            for (i, property) in vertex.properties.enumerated() where property.type != .list { index[property.name] = i }
            xyz = try ["x", "y", "z"].map { name in
                guard let i = index[name] else { throw ExportError.missingProperty(url.path, name: name) }
                return i
            }
            let colourColumns = ["red", "green", "blue"].compactMap { index[$0] }
            if colourColumns.count == 3 {
                rgb = colourColumns
                scales = colourColumns.map { i -> Float in
                    switch vertex.properties[i].type {
                    case .uint8: return 1 / 255
                    case .uint16: return 1 / 65535
                    default: return 1
                    }
                }
            }
            positions = [Float](repeating: 0, count: 3 * vertex.count)
            colours = [Float](repeating: 0.5, count: 3 * vertex.count)
        }, store: { i, row in
            for a in 0..<3 {
                let v = row[xyz[a]]
                if !v.isFinite, badRow == nil { badRow = i }
                positions[3 * i + a] = v
            }
            if let rgb {
                for a in 0..<3 { colours[3 * i + a] = min(1, max(0, row[rgb[a]] * scales[a])) }
            }
        })
        if let badRow { throw ExportError.sizeMismatch(url.path, reason: "point \(badRow) has a non-finite coordinate") }
        return (positions, colours)
    }
}
