@testable import ReadingRoom
import Testing

/// Notes rendered to HTML: the common Markdown, and nothing a note holds becomes markup.
@Suite struct SafeMarkdownTests {
    @Test func theCommonMarkdownRenders() {
        let html = SafeMarkdown.html("""
            # Idea
            **Sort** the systems, then *recycle*: `GCRO-DR`.

            - first
            - second
            1. one
            > quoted
            ```
            let x = 1 < 2
            ```
            See [the paper](https://arxiv.org/abs/2401.00001) and snake_case_names.
            """)
        #expect(html.contains("<h3>Idea</h3>"))
        #expect(html.contains("<strong>Sort</strong> the systems, then <em>recycle</em>: <code>GCRO-DR</code>."))
        #expect(html.contains("<ul><li>first</li><li>second</li></ul>"))
        #expect(html.contains("<ol><li>one</li></ol>"))
        #expect(html.contains("<blockquote><p>quoted</p>\n</blockquote>"))
        #expect(html.contains("<pre><code>let x = 1 &lt; 2</code></pre>"))
        #expect(html.contains(#"<a href="https://arxiv.org/abs/2401.00001" rel="noopener noreferrer">the paper</a>"#))
        #expect(html.contains("snake_case_names"), "underscores inside words are not emphasis")
    }

    @Test func rawHTMLAndScriptLinksStayText() {
        let cases = [
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))", "[x](data:text/html,<script>)", "**<b>bold</b>**", "`<code>`",
            "[<img src=x>](https://ok.example)", "[x](https://ok.example\" onclick=\"alert(1))",
        ]
        for markdown in cases {
            let html = SafeMarkdown.html(markdown)
            #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "\(markdown) -> \(html)")
            #expect(!html.lowercased().contains("href=\"javascript") && !html.contains("href=\"data:"), "\(markdown) -> \(html)")
            #expect(!html.contains("\" onclick"), "\(markdown) -> \(html)")
        }
    }
}
