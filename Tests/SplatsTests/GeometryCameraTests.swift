import Geometry
import XCTest
@testable import Splats

/// A splat rendered through a camera built from Geometry.Camera lands where Geometry projects
/// its mean.
final class GeometryCameraTests: XCTestCase {
    func testSplatLandsWhereGeometryProjects() throws {
        let pose = Pose(lookingFrom: Vec3(1, -0.5, -3), at: Vec3(0, 0, 0), up: Vec3(0, -1, 0))
        let camera = Camera(width: 40, height: 30, intrinsics: Intrinsics(fieldOfViewY: 50, width: 40, height: 30), pose: pose)
        let splatCamera = try SplatCamera(camera)
        let point = Vec3(0.2, 0.1, 0.3)
        var cloud = GaussianCloud(count: 1, shDegree: 0)
        cloud.means = [Float(point.x), Float(point.y), Float(point.z)]
        cloud.logScales = [Float](repeating: log(0.01), count: 3)
        cloud.opacityLogits = [5]
        cloud.sh = [1, 1, 1]
        let image = try SplatRasterizer(threadCount: 1).render(cloud, camera: splatCamera)
        // Alpha-weighted centroid of the footprint = projected mean (pixel centres at +0.5).
        var sx = 0.0, sy = 0.0, sw = 0.0
        for y in 0..<30 {
            for x in 0..<40 {
                let w = Double(image.alpha[y * 40 + x])
                sx += w * (Double(x) + 0.5); sy += w * (Double(y) + 0.5); sw += w
            }
        }
        let expected = camera.project(point).pixel
        XCTAssertEqual(sx / sw, expected.x, accuracy: 0.02)
        XCTAssertEqual(sy / sw, expected.y, accuracy: 0.02)

        var distorted = camera
        distorted.intrinsics.distortion = Distortion(k1: 0.1)
        XCTAssertThrowsError(try SplatCamera(distorted))
    }
}
