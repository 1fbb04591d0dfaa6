import Estimate
import Foundation
import Media

/// The focal length the reconstruction starts from (bundle adjustment refines it), and why.
public struct FocalPrior: Equatable, Sendable {
    public var pixels: Double
    /// `--focal`, the recorded tag (see `RecordedFocal`), or the field-of-view prior.
    public var source: String

    public init(pixels: Double, source: String) { self.pixels = pixels; self.source = source }

    /// In this order: a focal length given in the options (`--focal`); one the video's metadata
    /// or the photos' EXIF records (median over the photos that have one); the field-of-view
    /// prior. `video` is the video the frames came from, nil for a folder of photos.
    static func choose(video: URL?, photos: [URL], width: Int, height: Int, options: EstimateOptions) -> FocalPrior {
        let reconstruction = options.reconstruction
        if let given = reconstruction.focalPrior { return FocalPrior(pixels: given, source: "given (--focal)") }
        if options.useRecordedFocal {
            if let video, let recorded = RecordedFocal.read(video) {
                return FocalPrior(pixels: recorded.pixels(width: width, height: height), source: recorded.source)
            }
            if video == nil {
                let found = photos.compactMap { RecordedFocal.read($0).map { (focal: $0.pixels(width: width, height: height), source: $0.source) } }
                if !found.isEmpty {
                    let sorted = found.sorted { $0.focal < $1.focal }
                    let median = sorted[sorted.count / 2]
                    let spread = sorted.first!.focal != sorted.last!.focal ? String(format: ", %.0f–%.0f px over the images", sorted.first!.focal, sorted.last!.focal) : ""
                    return FocalPrior(pixels: median.focal, source: "\(median.source) (median of \(found.count) of \(photos.count) images\(spread))")
                }
            }
        }
        return FocalPrior(pixels: reconstruction.initialFocal(width: width, height: height),
                          source: String(format: "field-of-view prior %.0f° across the longer side", reconstruction.fieldOfViewPrior))
    }
}
