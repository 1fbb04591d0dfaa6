import CSplat
import Dispatch

/// Scratch buffers of the tile binning, owned by a `SplatRasterizer` and reused across renders.
final class TileBinning {
    // Per splat: the depth sort.
    let keys = ScratchBuffer<UInt64>(), keysTmp = ScratchBuffer<UInt64>()
    let values = ScratchBuffer<UInt32>(), valuesTmp = ScratchBuffer<UInt32>()
    // Per (tile, splat) entry: the splats sorted by tile then depth, the sorted position of
    // every entry in emission order (splat by splat), and its inverse (the emission index of
    // every sorted entry).
    let sortedSplats = ScratchBuffer<UInt32>(), entryPositions = ScratchBuffer<UInt32>()
    let entryIndices = ScratchBuffer<UInt32>()
    // Per tile: [begin, end) into the sorted entries; per (chunk, tile) counts, then cursors.
    let tileRanges = ScratchBuffer<UInt32>()
    private let cursors = ScratchBuffer<UInt32>()

    /// Lists every tile's splats by depth (ties by splat index) from projected splats whose
    /// entry offsets are `offsets` (csplat_prefix_sum, `entries` in all): sorts the splats by
    /// depth, counts the entries of every tile in chunks of that order, turns the counts into
    /// start positions tile by tile and chunk by chunk, and deals every chunk out. The result
    /// does not depend on `threads`.
    func bin(_ projected: UnsafePointer<csplat_projected>, offsets: UnsafePointer<UInt32>, count n: Int,
             entries: Int, tilesX: Int32, tileCount: Int, threads: Int) {
        for buffer in [keys, keysTmp] { buffer.reserve(n) }
        for buffer in [values, valuesTmp] { buffer.reserve(n) }
        sortedSplats.reserve(entries)
        entryPositions.reserve(entries)
        entryIndices.reserve(entries)
        tileRanges.reserve(2 * tileCount)
        let (k, v) = (keys.pointer, values.pointer)
        forEachRange(n, threads: threads) { b, e in csplat_depth_keys(projected, k, v, Int32(b), Int32(e)) }
        let inTmp = parallelRadixSort(keys: k, values: v, keysTmp: keysTmp.pointer, valuesTmp: valuesTmp.pointer,
                                      count: n, keyBits: 32, threads: threads)
        let order = UnsafePointer(inTmp ? valuesTmp.pointer : values.pointer)

        let chunks = threads <= 1 || n < 4096 ? 1 : threads * 4
        cursors.reserve(chunks * tileCount)
        let table = cursors.pointer
        table.initialize(repeating: 0, count: chunks * tileCount)
        func bounds(_ c: Int) -> (UInt32, UInt32) { (UInt32(n * c / chunks), UInt32(n * (c + 1) / chunks)) }
        perChunk(chunks) { c in
            let (b, e) = bounds(c)
            // One chunk counts every splat, in memory order (the counts do not depend on it).
            csplat_count_tile_entries(projected, chunks == 1 ? nil : order, tilesX, table + c * tileCount, b, e)
        }
        var start: UInt32 = 0
        for tile in 0..<tileCount {
            tileRanges.pointer[2 * tile] = start
            for c in 0..<chunks { // counts become start positions
                let count = table[c * tileCount + tile]
                table[c * tileCount + tile] = start
                start += count
            }
            tileRanges.pointer[2 * tile + 1] = start
        }
        let (splats, positions, indices) = (sortedSplats.pointer, entryPositions.pointer, entryIndices.pointer)
        perChunk(chunks) { c in
            let (b, e) = bounds(c)
            csplat_scatter_tile_entries(projected, order, offsets, tilesX, table + c * tileCount,
                                        splats, positions, indices, b, e)
        }
    }
}

/// Runs `body` for chunks 0..<count, on the calling thread when there is one chunk.
private func perChunk(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: count, execute: body) }
}
