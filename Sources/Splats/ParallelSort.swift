import CSplat
import Dispatch

/// csplat_radix_sort with each pass split over `threads` cores: every chunk is counted, the
/// counts become start positions bucket by bucket and chunk by chunk, and every chunk scatters.
/// A stable sort has one result, so it equals the single-threaded sort exactly. Returns true
/// when the result ended in the tmp pair.
func parallelRadixSort(keys: UnsafeMutablePointer<UInt64>, values: UnsafeMutablePointer<UInt32>,
                       keysTmp: UnsafeMutablePointer<UInt64>, valuesTmp: UnsafeMutablePointer<UInt32>,
                       count: Int, keyBits: Int32, threads: Int) -> Bool {
    let chunks = threads <= 1 || count < 65536 ? 1 : threads * 2
    if chunks == 1 {
        return csplat_radix_sort(keys, values, keysTmp, valuesTmp, UInt32(count), keyBits) != 0
    }
    let passes = min((Int(keyBits) + 7) / 8, 8)
    var counts = [UInt32](repeating: 0, count: chunks * 256)
    var (srcK, srcV, dstK, dstV) = (keys, values, keysTmp, valuesTmp)
    var inTmp = false
    func bounds(_ c: Int) -> (UInt32, UInt32) { (UInt32(count * c / chunks), UInt32(count * (c + 1) / chunks)) }
    for digit in 0..<passes {
        counts.withUnsafeMutableBufferPointer { table in
            let base = table.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let (b, e) = bounds(c)
                csplat_radix_count(srcK, b, e, Int32(digit), base + 256 * c)
            }
        }
        var trivial = false
        var sum: UInt32 = 0
        for bucket in 0..<256 {
            var total: UInt32 = 0
            for c in 0..<chunks { total += counts[256 * c + bucket] }
            if total == UInt32(count) { trivial = true }
            for c in 0..<chunks { // counts become start positions
                let n = counts[256 * c + bucket]
                counts[256 * c + bucket] = sum
                sum += n
            }
        }
        if trivial { continue }
        counts.withUnsafeMutableBufferPointer { table in
            let base = table.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let (b, e) = bounds(c)
                csplat_radix_scatter(srcK, srcV, dstK, dstV, b, e, Int32(digit), base + 256 * c)
            }
        }
        swap(&srcK, &dstK)
        swap(&srcV, &dstV)
        inTmp.toggle()
    }
    return inTmp
}
