/// A yes/no per pixel, row-major, width × height: the object's silhouette while it is cut out.
public struct BinaryMask: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var bits: [Bool]

    public init(width: Int, height: Int, bits: [Bool]) {
        self.width = width
        self.height = height
        self.bits = bits
    }

    public var count: Int { bits.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Smallest box holding every set pixel (x0, y0 inclusive; x1, y1 exclusive), nil when empty.
    public var boundingBox: (x0: Int, y0: Int, x1: Int, y1: Int)? {
        var x0 = width, y0 = height, x1 = -1, y1 = -1
        for y in 0..<height {
            for x in 0..<width where bits[y * width + x] {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        return x1 < 0 ? nil : (x0, y0, x1 + 1, y1 + 1)
    }

    /// Only the largest 8-connected group of set pixels (specks of noise and stray marks go).
    public func largestComponent() -> BinaryMask {
        var label = [Int32](repeating: -1, count: bits.count)
        var best = -1, bestSize = 0
        var stack: [Int] = []
        var component: Int32 = 0
        for start in bits.indices where bits[start] && label[start] < 0 {
            var size = 0
            stack.append(start)
            label[start] = component
            while let i = stack.popLast() {
                size += 1
                let x = i % width, y = i / width
                for dy in -1...1 {
                    for dx in -1...1 where dx != 0 || dy != 0 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                        let j = ny * width + nx
                        if bits[j] && label[j] < 0 { label[j] = component; stack.append(j) }
                    }
                }
            }
            if size > bestSize { bestSize = size; best = Int(component) }
            component += 1
        }
        return BinaryMask(width: width, height: height, bits: label.map { best >= 0 && $0 == Int32(best) })
    }

    /// Unset regions not 4-connected to the image border become set (holes inside the object).
    public func filledHoles() -> BinaryMask {
        var outside = [Bool](repeating: false, count: bits.count)
        var stack: [Int] = []
        func seed(_ x: Int, _ y: Int) {
            let i = y * width + x
            if !bits[i] && !outside[i] { outside[i] = true; stack.append(i) }
        }
        for x in 0..<width { seed(x, 0); seed(x, height - 1) }
        for y in 0..<height { seed(0, y); seed(width - 1, y) }
        while let i = stack.popLast() {
            let x = i % width, y = i / width
            if x > 0 { seed(x - 1, y) }
            if x + 1 < width { seed(x + 1, y) }
            if y > 0 { seed(x, y - 1) }
            if y + 1 < height { seed(x, y + 1) }
        }
        return BinaryMask(width: width, height: height, bits: outside.map { !$0 })
    }

    /// Intersection over union with another mask of the same size (1 when both are empty).
    public func intersectionOverUnion(_ other: BinaryMask) -> Double {
        var both = 0, either = 0
        for (a, b) in zip(bits, other.bits) {
            if a && b { both += 1 }
            if a || b { either += 1 }
        }
        return either == 0 ? 1 : Double(both) / Double(either)
    }
}
