import ArgumentParser
import Foundation
import Render

/// `vid2world render RECIPE --out DIR [--seed S]`: renders a scene recipe (schema: Scenes/README.md).
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a scene recipe: PNG frames, 16-bit depth (mm), cameras.json and render.mp4.")

    @Argument(help: "Scene recipe (YAML), e.g. Scenes/orbit-object.yaml.")
    var recipe: String

    @Option(name: .long, help: "Output folder (an earlier render there is replaced).")
    var out: String

    @Option(name: .long, help: "Seed for every random choice: procedural objects, noise textures, handheld paths.")
    var seed: UInt64 = 0

    @OptionGroup var common: CommonOptions

    func run() throws {
        try perform {
            let summary = try RenderJob.run(recipe: URL(fileURLWithPath: recipe), output: URL(fileURLWithPath: out),
                                            seed: seed, progress: common.progressSink)
            if common.json {
                printJSON(["type": "result", "command": "render", "frames": summary.frames,
                           "width": summary.width, "height": summary.height, "out": out])
            } else {
                FileHandle.standardError.write(
                    "rendered \(summary.frames) frames (\(summary.width)×\(summary.height)) into \(out)\n".data(using: .utf8)!)
            }
        }
    }
}
