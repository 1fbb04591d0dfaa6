import Foundation
import Media

/// `swift run -c release benchmarks NAME ...`: figures for Tools/bench scripts, one job per file.
@main
enum Benchmarks {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first else {
            print("usage: benchmarks decode FILE [--threads N] [--float] | render [--size PX] [--triangles N] [--threads 1]")
            exit(2)
        }
        switch name {
        case "decode": try DecodeBenchmark.run(Array(arguments.dropFirst()))
        case "render": try RenderBenchmark.run(Array(arguments.dropFirst()))
        default:
            FileHandle.standardError.write("unknown benchmark \(name)\n".data(using: .utf8)!)
            exit(2)
        }
    }
}

/// Peak resident memory of this process in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
