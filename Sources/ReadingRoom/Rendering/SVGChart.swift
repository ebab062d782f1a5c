import Foundation

/// Charts drawn on the server as inline SVG: no script, no request, readable as
/// text by a screen reader (each chart has a title and each bar its value).
enum SVGChart {
    /// A series of bars, one per label, with an accessible title.
    ///
    /// `labelEvery` prints every n-th label under the bars (52 weekly labels do not fit).
    static func bars(_ values: [(label: String, value: Int)], title: String, labelEvery: Int = 1,
                     width: Int = 720, height: Int = 160, cssClass: String = "bar") -> String {
        let top = max(1, values.map(\.value).max() ?? 1)
        let chartHeight = height - 34
        let slot = Double(width - 40) / Double(max(1, values.count))
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        out += "<title>\(HTML.escape(title))</title>"
        out += "<text x=\"0\" y=\"12\" class=\"axis\">\(top)</text><text x=\"0\" y=\"\(chartHeight + 4)\" class=\"axis\">0</text>"
        out += "<line x1=\"36\" y1=\"\(chartHeight)\" x2=\"\(width)\" y2=\"\(chartHeight)\" class=\"base\"/>"
        for (index, item) in values.enumerated() {
            let barHeight = Double(chartHeight - 6) * Double(item.value) / Double(top)
            let x = 40 + Double(index) * slot
            out += "<rect class=\"\(cssClass)\" x=\"\(format(x))\" y=\"\(format(Double(chartHeight) - barHeight))\" width=\"\(format(max(1, slot - 2)))\" height=\"\(format(barHeight))\">"
            out += "<title>\(HTML.escape(item.label)): \(item.value)</title></rect>"
            if index % max(1, labelEvery) == 0 {
                out += "<text x=\"\(format(x))\" y=\"\(height - 8)\" class=\"label\">\(HTML.escape(item.label))</text>"
            }
        }
        return out + "</svg>"
    }

    /// One horizontal bar per label, the label on its left and the value on its right:
    /// for a few named values (tags, ranges of time).
    static func horizontalBars(_ values: [(label: String, value: Int)], title: String, width: Int = 720, row: Int = 22) -> String {
        let top = max(1, values.map(\.value).max() ?? 1)
        let labelWidth = 150, valueWidth = 60
        let height = max(row, values.count * row) + 4
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        out += "<title>\(HTML.escape(title))</title>"
        for (index, item) in values.enumerated() {
            let y = index * row + 2
            let length = Double(width - labelWidth - valueWidth) * Double(item.value) / Double(top)
            out += "<text x=\"\(labelWidth - 8)\" y=\"\(y + row / 2 + 4)\" class=\"label\" text-anchor=\"end\">\(HTML.escape(item.label))</text>"
            out += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(format(max(length, item.value > 0 ? 1 : 0)))\" height=\"\(row - 6)\">"
            out += "<title>\(HTML.escape(item.label)): \(item.value)</title></rect>"
            out += "<text x=\"\(format(Double(labelWidth) + length + 6))\" y=\"\(y + row / 2 + 4)\" class=\"label\">\(item.value)</text>"
        }
        return out + "</svg>"
    }

    /// A line over time, with an accessible title.
    static func line(_ values: [(label: String, value: Int)], title: String, labelEvery: Int = 1,
                     width: Int = 720, height: Int = 160) -> String {
        let top = max(1, values.map(\.value).max() ?? 1)
        let chartHeight = height - 34
        let step = Double(width - 44) / Double(max(1, values.count - 1))
        let points = values.enumerated().map { index, item in
            "\(format(40 + Double(index) * step)),\(format(Double(chartHeight) - Double(chartHeight - 6) * Double(item.value) / Double(top)))"
        }
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        out += "<title>\(HTML.escape(title))</title>"
        out += "<text x=\"0\" y=\"12\" class=\"axis\">\(top)</text><text x=\"0\" y=\"\(chartHeight + 4)\" class=\"axis\">0</text>"
        out += "<line x1=\"36\" y1=\"\(chartHeight)\" x2=\"\(width)\" y2=\"\(chartHeight)\" class=\"base\"/>"
        out += "<polyline class=\"trend\" points=\"\(points.joined(separator: " "))\"/>"
        for (index, item) in values.enumerated() where index % max(1, labelEvery) == 0 {
            out += "<text x=\"\(format(40 + Double(index) * step))\" y=\"\(height - 8)\" class=\"label\">\(HTML.escape(item.label))</text>"
        }
        return out + "</svg>"
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
