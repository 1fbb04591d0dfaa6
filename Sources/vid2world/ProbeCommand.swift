import ArgumentParser
import Foundation
import Pipeline

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Print the facts of a video (codec, size, fps, duration, frames, rotation) or an image.")

    @Argument(help: "A video or image file.")
    var file: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        try perform {
            let result = try ProbeJob.run(URL(fileURLWithPath: file))
            if common.json {
                var object = ProbeJob.json(result)
                object["type"] = "probe"
                printJSON(object)
            } else {
                print(ProbeJob.text(result))
            }
        }
    }
}
