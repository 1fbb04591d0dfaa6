import CSplat
import Geometry
import XCTest
@testable import Splats

/// Radix sort and tile binning against plain sorts.
final class SortTests: XCTestCase {
    private func radixSort(_ keys: [UInt64], bits: Int32) -> (keys: [UInt64], values: [UInt32]) {
        var k = keys, v = (0..<UInt32(keys.count)).map { $0 }
        var kt = [UInt64](repeating: 0, count: keys.count), vt = [UInt32](repeating: 0, count: keys.count)
        let inTmp = csplat_radix_sort(&k, &v, &kt, &vt, UInt32(keys.count), bits)
        return inTmp != 0 ? (kt, vt) : (k, v)
    }

    func testRadixSortMatchesPlainStableSort() {
        var rng = SeededGenerator(seed: 3)
        for (count, bits) in [(0, 40), (1, 40), (5000, 64), (7000, 40), (3000, 36)] {
            let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
            // Few distinct tiles, many repeated depths: exercises stability and skipped passes.
            let keys = (0..<count).map { _ -> UInt64 in
                let depth = UInt64((Float(Int.random(in: 1...300, using: &rng)) / 7).bitPattern)
                let tile = UInt64.random(in: 0...(bits == 64 ? UInt64.max >> 32 : 13), using: &rng)
                return ((tile << 32) | depth) & mask
            }
            let sorted = radixSort(keys, bits: Int32(bits))
            let expected = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            XCTAssertEqual(sorted.keys, expected.map { keys[$0] }, "\(count) keys, \(bits) bits")
            XCTAssertEqual(sorted.values, expected.map { UInt32($0) }, "stable order, \(count) keys")
        }
    }

    func testRadixSortOfFullRandomKeys() {
        var rng = SeededGenerator(seed: 5)
        let keys = (0..<4000).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) }
        XCTAssertEqual(radixSort(keys, bits: 64).keys, keys.sorted())
    }

    /// Every tile's entry list holds exactly the splats whose tile rectangle covers it, by depth.
    func testBinningListsEachTilesSplatsByDepth() {
        var rng = SeededGenerator(seed: 8)
        let camera = TestScene.camera(width: 70, height: 50, focal: 50, rng: &rng)
        let cloud = TestScene.cloud(count: 300, shDegree: 0, camera: camera, pixelSigma: 0.5...12, rng: &rng)
        var p = ProjectedSplats(cloud: cloud, camera: camera)
        let n = cloud.count
        var offsets = [UInt32](repeating: 0, count: n + 1)
        let total = Int(csplat_prefix_sum(p.tilesTouched, &offsets, Int32(n)))
        XCTAssertEqual(total, p.tilesTouched.reduce(0) { $0 + Int($1) })
        let tilesX = csplat_tiles_x(70), tileCount = Int(tilesX * csplat_tiles_y(50))
        var keys = [UInt64](repeating: 0, count: total), values = [UInt32](repeating: 0, count: total)
        var entrySplats = values, keysTmp = keys, valuesTmp = values
        // Two ranges, as two cores would run them.
        withView(&p) { view in
            csplat_emit_keys(view, offsets, tilesX, &keys, &values, &entrySplats, 0, 120)
            csplat_emit_keys(view, offsets, tilesX, &keys, &values, &entrySplats, 120, Int32(n))
        }
        let inTmp = csplat_radix_sort(&keys, &values, &keysTmp, &valuesTmp, UInt32(total), csplat_key_bits(Int32(tileCount)))
        let sortedKeys = inTmp != 0 ? keysTmp : keys, sortedValues = inTmp != 0 ? valuesTmp : values
        var sortedSplats = [UInt32](repeating: 0, count: total)
        csplat_resolve_entries(sortedValues, entrySplats, &sortedSplats, 0, UInt32(total))
        var ranges = [UInt32](repeating: 0, count: 2 * tileCount)
        csplat_tile_ranges(sortedKeys, UInt32(total), &ranges, 0, UInt32(total / 3))
        csplat_tile_ranges(sortedKeys, UInt32(total), &ranges, UInt32(total / 3), UInt32(total))

        for tile in 0..<tileCount {
            let tx = Int32(tile) % tilesX, ty = Int32(tile) / tilesX
            let expected = (0..<n).filter { i in
                p.radii[i] > 0 && tx >= p.rects[4 * i] && tx < p.rects[4 * i + 2] && ty >= p.rects[4 * i + 1] && ty < p.rects[4 * i + 3]
            }.sorted { (p.depths[$0], $0) < (p.depths[$1], $1) }
            let list = (Int(ranges[2 * tile])..<Int(ranges[2 * tile + 1])).map { Int(sortedSplats[$0]) }
            XCTAssertEqual(list, expected, "tile \(tile)")
        }
        // The sort's values are a permutation of the emission indices.
        XCTAssertEqual(sortedValues.sorted(), (0..<UInt32(total)).map { $0 })
        XCTAssertGreaterThan(total, n, "splats span several tiles")
    }

    /// The rasterizer's bucketing (depth sort of the splats, then per-tile lists) gives exactly
    /// the lists, emission indices and tile ranges of the plain sort of every entry's tile | depth
    /// key, on one core and on two.
    func testBucketingEqualsKeySortOfEntries() {
        var rng = SeededGenerator(seed: 9)
        let camera = TestScene.camera(width: 90, height: 70, focal: 60, rng: &rng)
        var cloud = TestScene.cloud(count: 5000, shDegree: 0, camera: camera, pixelSigma: 0.5...20, rng: &rng)
        // Equal depths in pairs: ties must go by splat index in both routes.
        for i in stride(from: 0, to: 200, by: 2) {
            for k in 0..<3 { cloud.means[3 * (i + 1) + k] = cloud.means[3 * i + k] }
        }
        var p = ProjectedSplats(cloud: cloud, camera: camera)
        let n = cloud.count
        var offsets = [UInt32](repeating: 0, count: n + 1)
        let total = Int(csplat_prefix_sum(p.tilesTouched, &offsets, Int32(n)))
        let tilesX = csplat_tiles_x(90), tileCount = Int(tilesX * csplat_tiles_y(70))
        var keys = [UInt64](repeating: 0, count: total), values = [UInt32](repeating: 0, count: total)
        var entrySplats = values, keysTmp = keys, valuesTmp = values
        withView(&p) { csplat_emit_keys($0, offsets, tilesX, &keys, &values, &entrySplats, 0, Int32(n)) }
        let inTmp = csplat_radix_sort(&keys, &values, &keysTmp, &valuesTmp, UInt32(total), csplat_key_bits(Int32(tileCount)))
        let sortedKeys = inTmp != 0 ? keysTmp : keys, sortedValues = inTmp != 0 ? valuesTmp : values
        var sortedSplats = [UInt32](repeating: 0, count: total)
        csplat_resolve_entries(sortedValues, entrySplats, &sortedSplats, 0, UInt32(total))
        var ranges = [UInt32](repeating: 0, count: 2 * tileCount)
        csplat_tile_ranges(sortedKeys, UInt32(total), &ranges, 0, UInt32(total))
        XCTAssertEqual(Set(p.depths[0..<200]).count, 100, "the pairs tie")

        for threads in [1, 2] {
            let binning = TileBinning()
            withView(&p) { view in
                binning.bin(view, offsets: offsets, count: n, entries: total, tilesX: tilesX, tileCount: tileCount, threads: threads)
            }
            XCTAssertEqual(Array(UnsafeBufferPointer(start: binning.sortedSplats.pointer, count: total)), sortedSplats)
            // Each entry's position is where the key sort put its emission index.
            let positions = Array(UnsafeBufferPointer(start: binning.entryPositions.pointer, count: total))
            XCTAssertEqual(sortedValues.map { Int(positions[Int($0)]) }, Array(0..<total))
            // And each sorted entry's emission index is the key sort's value there.
            XCTAssertEqual(Array(UnsafeBufferPointer(start: binning.entryIndices.pointer, count: total)),
                           Array(sortedValues[0..<total]))
            for tile in 0..<tileCount {
                let (b, e) = (binning.tileRanges.pointer[2 * tile], binning.tileRanges.pointer[2 * tile + 1])
                if ranges[2 * tile] == ranges[2 * tile + 1] {
                    XCTAssertEqual(b, e, "tile \(tile) is empty")
                } else {
                    XCTAssertEqual([b, e], [ranges[2 * tile], ranges[2 * tile + 1]], "tile \(tile)")
                }
            }
        }
        XCTAssertGreaterThan(total, 3 * n, "splats span several tiles")
    }

    /// Trimming keeps, inside each splat's tile rectangle, every tile holding a pixel where the
    /// splat's alpha reaches alpha_min, and drops tiles (and whole splats below alpha_min).
    func testTrimmedTileRectsKeepEveryReachedTile() {
        var rng = SeededGenerator(seed: 31)
        let camera = TestScene.camera(width: 200, height: 150, focal: 180, rng: &rng)
        let cloud = TestScene.cloud(count: 300, shDegree: 0, camera: camera, pixelSigma: 0.5...6,
                                    opacity: 0.002...0.9, rng: &rng)
        var p = ProjectedSplats(cloud: cloud, camera: camera)
        let n = cloud.count
        let oldRects = p.rects, oldTotal = p.tilesTouched.reduce(0) { $0 + Int($1) }
        let options = csplat_default_blend_options()
        var packed = [csplat_blend_splat](repeating: csplat_blend_splat(), count: n)
        withView(&p) { view in
            csplat_prepare_blend(view, options, &packed, 0, Int32(n))
            csplat_trim_tile_rects(view, packed, 0, Int32(n))
        }
        var belowAlphaMin = 0
        for i in 0..<n {
            let old = Array(oldRects[4 * i..<4 * i + 4]), new = Array(p.rects[4 * i..<4 * i + 4])
            XCTAssertEqual(Int(p.tilesTouched[i]), Int((new[2] - new[0]) * (new[3] - new[1])), "splat \(i)")
            if p.tilesTouched[i] > 0 {
                XCTAssert(new[0] >= old[0] && new[1] >= old[1] && new[2] <= old[2] && new[3] <= old[3], "splat \(i)")
            }
            if p.opacities[i] < options.alpha_min { belowAlphaMin += 1; XCTAssertEqual(p.tilesTouched[i], 0) }
            guard p.radii[i] > 0 else { continue }
            // Every pixel of the old rectangle where alpha clearly reaches alpha_min.
            let (mx, my) = (p.means2d[2 * i], p.means2d[2 * i + 1])
            let (a, b, c) = (p.conics[3 * i], p.conics[3 * i + 1], p.conics[3 * i + 2])
            for y in Int(old[1]) * 16..<min(Int(old[3]) * 16, camera.height) {
                for x in Int(old[0]) * 16..<min(Int(old[2]) * 16, camera.width) {
                    let dx = mx - (Float(x) + 0.5), dy = my - (Float(y) + 0.5)
                    let alpha = p.opacities[i] * exp(-0.5 * (a * dx * dx + c * dy * dy) - b * dx * dy)
                    guard alpha >= options.alpha_min * 1.01 else { continue }
                    let (tx, ty) = (Int32(x / 16), Int32(y / 16))
                    XCTAssert(tx >= new[0] && tx < new[2] && ty >= new[1] && ty < new[3],
                              "splat \(i) reaches pixel (\(x), \(y)) outside its trimmed tiles")
                }
            }
        }
        XCTAssertGreaterThan(belowAlphaMin, 0, "some splats are below alpha_min")
        XCTAssertLessThan(p.tilesTouched.reduce(0) { $0 + Int($1) }, oldTotal, "trimming drops entries")
    }

    private func withView<R>(_ p: inout ProjectedSplats, _ body: (UnsafePointer<csplat_projected>) -> R) -> R {
        p.means2d.withUnsafeMutableBufferPointer { m in p.conics.withUnsafeMutableBufferPointer { c in
            p.depths.withUnsafeMutableBufferPointer { d in p.opacities.withUnsafeMutableBufferPointer { o in
                p.colors.withUnsafeMutableBufferPointer { col in p.radii.withUnsafeMutableBufferPointer { r in
                    p.rects.withUnsafeMutableBufferPointer { rect in p.tilesTouched.withUnsafeMutableBufferPointer { tt in
                        p.clamped.withUnsafeMutableBufferPointer { cl in
                            var view = csplat_projected(means2d: m.baseAddress, conics: c.baseAddress, depths: d.baseAddress,
                                                        opacities: o.baseAddress, colors: col.baseAddress, radii: r.baseAddress,
                                                        tile_rects: rect.baseAddress, tiles_touched: tt.baseAddress,
                                                        clamped: cl.baseAddress, color_jacobians: nil)
                            return body(&view)
                        }
                    } }
                } }
            } }
        } }
    }
}

/// The sort split over cores equals the single-threaded kernel exactly.
final class ParallelSortTests: XCTestCase {
    func testParallelRadixSortEqualsSerial() {
        var rng = SeededGenerator(seed: 12)
        let n = 100_003
        let keys = (0..<n).map { _ in (UInt64.random(in: 0..<300, using: &rng) << 32) | UInt64(UInt32.random(in: 0..<5000, using: &rng)) }
        let values = (0..<UInt32(n)).map { $0 }
        var k1 = keys, v1 = values, kt1 = keys, vt1 = values
        let serialTmp = csplat_radix_sort(&k1, &v1, &kt1, &vt1, UInt32(n), 41) != 0
        var k2 = keys, v2 = values, kt2 = keys, vt2 = values
        let parallelTmp = k2.withUnsafeMutableBufferPointer { k in v2.withUnsafeMutableBufferPointer { v in
            kt2.withUnsafeMutableBufferPointer { kt in vt2.withUnsafeMutableBufferPointer { vt in
                parallelRadixSort(keys: k.baseAddress!, values: v.baseAddress!, keysTmp: kt.baseAddress!,
                                  valuesTmp: vt.baseAddress!, count: n, keyBits: 41, threads: 2)
            } }
        } }
        XCTAssertEqual(serialTmp ? kt1 : k1, parallelTmp ? kt2 : k2)
        XCTAssertEqual(serialTmp ? vt1 : v1, parallelTmp ? vt2 : v2)
        let sorted = parallelTmp ? kt2 : k2
        XCTAssertTrue(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 })
    }
}
