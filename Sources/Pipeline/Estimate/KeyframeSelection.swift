import Foundation

/// Why a decoded video frame did not become a keyframe.
public enum KeyframeDropReason: String, Sendable, CaseIterable {
    /// Much less sharp than the frames around it (motion blur, focus hunting).
    case blurry
    /// A sharper frame was taken from the same stretch of camera motion: the picture had not
    /// moved enough since (the camera stood still, or near-duplicate frames).
    case littleMotion = "little_motion"
    /// It would have been a keyframe at the minimum spacing, but the budget spread keyframes
    /// wider.
    case overBudget = "over_budget"
}

/// Settings of keyframe selection; motion as a fraction of the frame's long side.
public struct KeyframeSelectionOptions: Equatable, Sendable {
    /// Most keyframes.
    public var budget: Int = 150
    /// Image motion between consecutive keyframes (median corner displacement, accumulated
    /// frame to frame), at least.
    public var minSpacing: Double = 0.04
    /// A frame whose sharpness (Laplacian variance) is below this fraction of the median of
    /// the frames around it is blurry.
    public var blurRatio: Double = 0.6
    /// Frames on each side that make up "around it".
    public var blurWindow: Int = 15

    public init() {}
}

/// Keyframes from per-frame sharpness and motion: the accumulated image motion is cut into
/// equal stretches (at least `minSpacing` long, longer when the budget demands) and each
/// stretch gives its sharpest frame, preferring frames that are not blurry. A camera standing
/// still accumulates no motion, so its frames share a stretch and give one keyframe.
public enum KeyframeSelection {
    public struct Result: Equatable, Sendable {
        /// Indices (into the inputs) of the keyframes, ascending.
        public var keyframes: [Int]
        /// Why each other frame was dropped.
        public var dropped: [Int: KeyframeDropReason]
        /// The stretch of motion per keyframe that was used.
        public var spacing: Double
    }

    /// `motion[i]` is the motion from frame i − 1 to frame i (`motion[0]` is ignored).
    public static func choose(sharpness: [Double], motion: [Double], options: KeyframeSelectionOptions = .init()) -> Result {
        let n = sharpness.count
        guard n > 0 else { return Result(keyframes: [], dropped: [:], spacing: options.minSpacing) }
        var travelled = [Double](repeating: 0, count: n)
        for i in 1..<max(1, n) { travelled[i] = travelled[i - 1] + max(0, i < motion.count ? motion[i] : 0) }
        let blurry = blurFlags(sharpness, options: options)
        let budget = max(1, options.budget)
        // Widen the stretches until the budget holds (each stretch yields at most one frame).
        var spacing = max(options.minSpacing, 1e-9)
        var picks = pick(travelled, sharpness, blurry, spacing: spacing)
        let atMinimum = Set(picks)
        while picks.count > budget {
            spacing *= Double(picks.count) / Double(budget) * 1.01
            picks = pick(travelled, sharpness, blurry, spacing: spacing)
        }
        let chosen = Set(picks)
        var dropped: [Int: KeyframeDropReason] = [:]
        for i in 0..<n where !chosen.contains(i) {
            dropped[i] = blurry[i] ? .blurry : atMinimum.contains(i) ? .overBudget : .littleMotion
        }
        return Result(keyframes: picks, dropped: dropped, spacing: spacing)
    }

    /// The sharpest frame of each stretch, non-blurry frames first, and at least half a
    /// stretch of motion after the previous pick (two picks straddling a stretch boundary
    /// would be near duplicates).
    static func pick(_ travelled: [Double], _ sharpness: [Double], _ blurry: [Bool], spacing: Double) -> [Int] {
        var picks: [Int] = []
        var start = 0
        while start < travelled.count {
            let stretch = Int(travelled[start] / spacing)
            var end = start
            while end < travelled.count && Int(travelled[end] / spacing) == stretch { end += 1 }
            let floor = picks.last.map { travelled[$0] + spacing / 2 } ?? -Double.infinity
            var best: Int?
            for i in start..<end where travelled[i] >= floor {
                guard let current = best else { best = i; continue }
                let better = blurry[current] != blurry[i] ? !blurry[i] : sharpness[i] > sharpness[current]
                if better { best = i }
            }
            if let best { picks.append(best) }
            start = end
        }
        return picks
    }

    /// Frames much less sharp than the median of their neighbourhood.
    static func blurFlags(_ sharpness: [Double], options: KeyframeSelectionOptions) -> [Bool] {
        sharpness.indices.map { i in
            let window = sharpness[max(0, i - options.blurWindow)...min(sharpness.count - 1, i + options.blurWindow)].sorted()
            return sharpness[i] < options.blurRatio * window[window.count / 2]
        }
    }
}
