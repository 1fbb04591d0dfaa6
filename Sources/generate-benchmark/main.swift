import Foundation
import Generate
import Media

// Seconds per generated clip for Tools/bench/generate-speed:
//   generate-benchmark WEIGHTS CONFIG [--steps N] [--repeats R] [--guidance G]
// Prints `key value` lines: steps, guidance, views, resolution, seconds_per_clip (best of the repeats).

func value(_ flag: String, _ fallback: Double) -> Double {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: flag), i + 1 < args.count, let v = Double(args[i + 1]) { return v }
    return fallback
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write("usage: generate-benchmark WEIGHTS CONFIG [--steps N] [--repeats R] [--guidance G]\n".data(using: .utf8)!)
    exit(2)
}
do {
    let generator = try OrbitGenerator(weights: URL(fileURLWithPath: args[1]), config: URL(fileURLWithPath: args[2]))
    let c = generator.model.config
    let steps = Int(value("--steps", Double(c.steps))), repeats = Int(value("--repeats", 3))
    let guidance = value("--guidance", c.guidance)
    var image = Image(width: c.resolution, height: c.resolution, channels: 4)
    for y in 0..<c.resolution {
        for x in 0..<c.resolution {
            let inside = hypot(Double(x) - Double(c.resolution) / 2, Double(y) - Double(c.resolution) / 2) < Double(c.resolution) / 3
            image[x, y, 0] = Float(x) / Float(c.resolution); image[x, y, 1] = 0.5; image[x, y, 2] = Float(y) / Float(c.resolution)
            image[x, y, 3] = inside ? 1 : 0
        }
    }
    let azimuths = (0..<c.views).map { Double($0) * 360 / Double(c.views) }
    var best = Double.infinity
    for r in 0..<repeats {
        let start = Date()
        _ = try generator.generate(image: image, azimuths: azimuths, elevation: 0, steps: steps, guidance: guidance, seed: UInt64(r))
        best = min(best, Date().timeIntervalSince(start))
    }
    print("steps \(steps)\nguidance \(guidance)\nsamples \(c.samples)\nviews \(c.views)\nresolution \(c.resolution)\nseconds_per_clip \(best)")
} catch {
    FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
    exit(1)
}
