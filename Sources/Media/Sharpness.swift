import CMediaSupport
import Foundation

/// Focus measure: variance of the Laplacian of the luma. Motion-blurred phone frames score low.
public enum Sharpness {
    public static func laplacianVariance(_ image: Image) -> Double {
        let gray = image.gray()
        return gray.withUnsafeBufferPointer { v2w_laplacian_variance($0.baseAddress, Int32(image.width), Int32(image.height)) }
    }
}

/// Keeps the sharpest frame of each window of `window` consecutive candidates, so blurry frames
/// are dropped while the picks stay spread over the whole video. Feed frames in order.
public struct SharpestPicker<Item> {
    public let window: Int
    private var best: (item: Item, score: Double)?
    private var seen = 0

    public init(window: Int) { self.window = max(1, window) }

    /// Offers a candidate; returns the window's winner when this candidate closes a window.
    public mutating func offer(_ item: Item, score: Double) -> Item? {
        if best == nil || score > best!.score { best = (item, score) }
        seen += 1
        guard seen == window else { return nil }
        defer { best = nil; seen = 0 }
        return best!.item
    }

    /// The winner of the last, incomplete window, if any.
    public mutating func flush() -> Item? {
        defer { best = nil; seen = 0 }
        return best?.item
    }
}
