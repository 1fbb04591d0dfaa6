import ArgumentParser
import Foundation
import Reporting

@main
struct Vid2World: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vid2world",
        abstract: "Turn one image or a phone video into a 3D Gaussian-splat scene.",
        discussion: """
        vid2world VIDEO --out SCENE, vid2world PHOTOS/ --out SCENE and
        vid2world IMAGE --orbit --out SCENE run a whole route (the default
        command, `scene`). The stages are commands of their own: generate
        (image → orbit clip), estimate (video → cameras), fit (cameras + images
        → splats). See `vid2world help <command>`.
        """,
        version: "0.1.0",
        subcommands: [SceneCommand.self, GenerateCommand.self, EstimateCommand.self, FitCommand.self,
                      ProbeCommand.self, FramesCommand.self, RenderCommand.self],
        defaultSubcommand: SceneCommand.self)

    static func main() {
        Cancellation.installSignalHandler()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Report progress and results as JSON lines on standard output.")
    var json = false

    var progressSink: ProgressSink { ProgressSinks.standard(json: json) }
}

/// Runs a job, turning any error into one clear line on stderr and a non-zero exit code
/// (130 after Ctrl-C, as shells expect).
func perform(_ job: () throws -> Void) throws {
    do {
        try job()
    } catch let error as CancelledError {
        FileHandle.standardError.write("vid2world: \(error)\n".data(using: .utf8)!)
        throw ExitCode(130)
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write("error: \(error)\n".data(using: .utf8)!)
        throw ExitCode.failure
    }
}

/// Writes one JSON object as a line on standard output.
func printJSON(_ object: [String: Any]) {
    JSONLines().write(object)
}
