import Foundation
import Geometry

/// The views a route's fit starts from, picked among what the estimate left in its folder.
enum FitInputs {
    /// Where an estimate that resampled its images to a pinhole camera keeps them and their
    /// model (COLMAP's undistorter layout).
    static let undistortedLayouts = [("undistorted/images", "undistorted/sparse")]

    /// Undistorted images with a COLMAP text model whose cameras have no distortion, if present.
    static func undistorted(in folder: URL) throws -> (FitData, String)? {
        for (imageName, modelName) in undistortedLayouts {
            let images = folder.appendingPathComponent(imageName), model = folder.appendingPathComponent(modelName)
            guard FileManager.default.fileExists(atPath: images.path), ColmapTextModel.exists(in: model) else { continue }
            let colmap = try ColmapTextModel.read(folder: model)
            guard colmap.images.allSatisfy({ $0.camera.intrinsics.distortion.isNone }) else { continue }
            let data = try FitData.loadColmap(colmap, camerasFile: model.appendingPathComponent("images.txt"),
                                              folder: folder, imageFolder: images)
            return (data, imageName + " with " + modelName)
        }
        return nil
    }

    /// The sparse model (`sparse/`) with the distortion dropped: the estimate found it negligible.
    static func sparse(in folder: URL) throws -> (FitData, String) {
        let model = folder.appendingPathComponent("sparse")
        var colmap = try ColmapTextModel.read(folder: model)
        for i in colmap.images.indices { colmap.images[i].camera.intrinsics.distortion = .none }
        let data = try FitData.loadColmap(colmap, camerasFile: model.appendingPathComponent("images.txt"), folder: folder)
        return (data, "images with sparse")
    }

    /// Largest distance, in pixels, that the sparse model's distortion moves an image corner.
    static func distortionShift(in folder: URL) throws -> Double {
        let colmap = try ColmapTextModel.read(folder: folder.appendingPathComponent("sparse"))
        var largest = 0.0
        for image in colmap.images {
            let k = image.camera.intrinsics
            let w = Double(image.camera.width), h = Double(image.camera.height)
            for corner in [Vec2(0, 0), Vec2(w, 0), Vec2(0, h), Vec2(w, h)] {
                let d = k.distortPixel(corner) - corner
                largest = max(largest, (d * d).sum().squareRoot())
            }
        }
        return largest
    }
}
