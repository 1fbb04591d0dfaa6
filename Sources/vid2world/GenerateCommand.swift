import ArgumentParser
import Foundation
import Pipeline

/// `vid2world generate IMAGE --out DIR`: the orbit clip alone (no fit).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Cut the object out of an image and generate orbit views of it: images/, cameras.json, input.png, orbit.mp4.",
        discussion: """
        DIR is then a valid input of `vid2world fit`. --clips K adds rings of views above and \
        below the model's orbit elevation (multi-view mode), all in one cameras.json.
        """)

    @Argument(help: "An image of one object: PNG with transparency, or a photo on a plain background.")
    var image: String

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Views per orbit ring (a multiple of the model's clip length; default one clip).")
    var views: Int?

    @Option(name: .long, help: "Rings of views at different elevations.")
    var clips: Int = 1

    @Option(name: .customLong("elevation-step"), help: "Degrees between rings.")
    var elevationStep: Double = GenerateOptions().elevationStep

    @Option(name: .customLong("input-elevation"), help: "Elevation of the photo's camera in degrees, when known (default: the model's orbit elevation).")
    var inputElevation: Double?

    @Option(name: .long, help: "Sampler steps (default: the model's).")
    var steps: Int?

    @Option(name: .long, help: "Classifier-free guidance scale (default: the model's).")
    var guidance: Double?

    @Option(name: .long, help: "Seed of the sampler's noise.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Folder with model.safetensors and config.json (else $VID2WORLD_WEIGHTS, else the shipped model).")
    var weights: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        try perform {
            var options = GenerateOptions()
            options.views = views
            options.clips = clips
            options.elevationStep = elevationStep
            options.inputElevation = inputElevation
            options.steps = steps
            options.guidance = guidance
            options.seed = seed
            options.weights = weights.map { URL(fileURLWithPath: $0) }
            let result = try GenerateJob.run(image: URL(fileURLWithPath: image), output: URL(fileURLWithPath: out),
                                             options: options, progress: common.progressSink)
            if common.json {
                printJSON(["type": "result", "command": "generate", "views": result.views.count, "out": out,
                           "weights": result.weights.folder.path])
            } else {
                FileHandle.standardError.write("generated \(result.views.count) views of \(result.config.resolution)×\(result.config.resolution) -> \(out)\n"
                    .data(using: .utf8)!)
            }
        }
    }
}
