import Foundation

/// Number and time formatting shared by the text sinks.
enum ProgressFormat {
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }

    static func rate(_ rate: Double, unit: String) -> String {
        if rate >= 1 || rate == 0 { return String(format: "%.1f ", rate) + unit + "/s" }
        return String(format: "%.1f s/", 1 / rate) + unit
    }

    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
        return abs(x) >= 100 ? String(format: "%.1f", x) : String(format: "%.4g", x)
    }
}
