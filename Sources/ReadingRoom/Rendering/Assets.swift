/// The room's style sheet and script, compiled into the binary: no page loads
/// anything from another machine (no CDN, no web font; the system's fonts).
enum Assets {
    static let css = """
        :root { --fg: #1d1f23; --muted: #60646c; --bg: #fcfcfa; --card: #ffffff; --line: #e3e3de; --accent: #2f5fb3;
          --reading: #b35c00; --queued: #2f5fb3; --inbox: #60646c; --read: #2d7a3e; --dropped: #9a3b3b; --mark: #fff2a8; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6e6e3; --muted: #a0a3a8; --bg: #17181b; --card: #1f2125; --line: #33363b; --accent: #8fb3ff;
            --reading: #f0a35e; --queued: #8fb3ff; --inbox: #a0a3a8; --read: #7fcf8f; --dropped: #e48a8a; --mark: #5c4d00; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre, kbd { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
        kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; }
        header.top { display: flex; gap: 1.5rem; align-items: center; padding: 0.6rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--card); position: sticky; top: 0; z-index: 1; }
        .brand { font-weight: 700; font-size: 1.15rem; color: var(--fg); }
        nav a { margin-right: 1rem; color: var(--muted); }
        nav a[aria-current=page] { color: var(--fg); font-weight: 600; }
        form.search { margin-left: auto; }
        form.search input { width: 22rem; max-width: 40vw; padding: 0.35rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
        footer { text-align: center; color: var(--muted); font-size: 0.8rem; padding: 1rem; }
        h1 { font-size: 1.6rem; margin: 0.8rem 0; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
        h2 .n { color: var(--muted); font-weight: 400; }
        ol.papers { list-style: none; padding: 0; margin: 0; }
        li.paper { padding: 0.55rem 0.75rem; border: 1px solid transparent; border-bottom-color: var(--line); position: relative; }
        li.paper.selected { border: 1px solid var(--accent); border-radius: 6px; background: var(--card); }
        li.paper .title { font-weight: 600; color: var(--fg); }
        .meta { color: var(--muted); font-size: 0.88rem; }
        .snippet { font-size: 0.9rem; color: var(--muted); margin-top: 0.2rem; }
        .snippet .page { font-weight: 600; }
        mark { background: var(--mark); color: inherit; padding: 0 1px; }
        .tag { font-size: 0.85rem; color: var(--accent); }
        .badge { font-size: 0.75rem; border: 1px solid currentColor; border-radius: 10px; padding: 0 0.45rem; margin-left: 0.4rem; white-space: nowrap; }
        .status-reading { color: var(--reading); } .status-queued { color: var(--queued); } .status-inbox { color: var(--inbox); }
        .status-read { color: var(--read); } .status-dropped { color: var(--dropped); }
        .status-buttons { display: flex; gap: 0.3rem; margin-top: 0.3rem; }
        button { font: inherit; font-size: 0.82rem; padding: 0.15rem 0.6rem; border: 1px solid var(--line); border-radius: 5px; background: var(--card); color: var(--fg); cursor: pointer; }
        button:hover { border-color: var(--accent); }
        button:disabled { opacity: 0.45; cursor: default; }
        button.remove { color: var(--dropped); }
        .counts .count { margin-right: 0.8rem; }
        .empty, .help, .summary { color: var(--muted); }
        .problem { border-left: 4px solid var(--dropped); padding: 0.5rem 0.8rem; background: var(--card); }
        .paper-page h1 { margin-bottom: 0.2rem; }
        .authors { margin: 0; }
        .links a { margin-right: 0.8rem; }
        form.inline { display: inline; }
        .tag-list { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.6rem; }
        .tag-list button.remove { padding: 0 0.35rem; }
        input, select, textarea { font: inherit; color: var(--fg); background: var(--card); border: 1px solid var(--line); border-radius: 5px; padding: 0.25rem 0.4rem; }
        textarea { width: 100%; display: block; margin: 0.3rem 0; }
        .status-form { display: flex; gap: 1rem; align-items: center; margin: 0.8rem 0; }
        .note { border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 0.9rem; margin: 0.6rem 0; background: var(--card); }
        .note-body :first-child { margin-top: 0.4rem; }
        details summary { cursor: pointer; color: var(--muted); font-size: 0.85rem; }
        blockquote { border-left: 3px solid var(--line); margin: 0.6rem 0; padding: 0.1rem 0.9rem; }
        .comment { margin: 0.2rem 0; font-style: italic; }
        iframe.pdf { width: 100%; height: 80vh; border: 1px solid var(--line); margin-top: 0.5rem; }
        .conflict { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; border: 1px solid var(--reading); border-radius: 6px; padding: 0.6rem; }
        .conflict .merge { grid-column: 1 / 3; }
        .conflict pre { white-space: pre-wrap; background: var(--bg); padding: 0.5rem; border-radius: 4px; }
        .tag-counts { columns: 3; list-style: none; padding: 0; }
        .tag-counts .n { color: var(--muted); }
        svg.chart { width: 100%; height: auto; }
        svg.chart .bar { fill: var(--accent); } svg.chart .bar-read { fill: var(--read); }
        svg.chart .trend { fill: none; stroke: var(--reading); stroke-width: 2; }
        svg.chart .base { stroke: var(--line); }
        svg.chart text { fill: var(--muted); font-size: 10px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1.2rem; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        """

    static let javaScript = """
        // Keys: / searches, j and k move through the papers, Enter opens one, s changes its status.
        (function () {
          "use strict";
          function typing(target) {
            return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
          }
          function rows() { return Array.prototype.slice.call(document.querySelectorAll("li.paper")); }
          function selected() { return document.querySelector("li.paper.selected"); }
          function select(row) {
            var current = selected();
            if (current) { current.classList.remove("selected"); }
            if (row) { row.classList.add("selected"); row.scrollIntoView({ block: "nearest" }); }
          }
          function move(step) {
            var all = rows();
            if (all.length === 0) { return; }
            var index = all.indexOf(selected());
            var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
            select(all[next]);
          }
          document.addEventListener("keydown", function (event) {
            if (event.ctrlKey || event.metaKey || event.altKey) { return; }
            if (typing(event.target)) {
              if (event.key === "Escape") { event.target.blur(); }
              return;
            }
            var row = selected();
            switch (event.key) {
            case "/":
              event.preventDefault();
              var search = document.getElementById("q");
              if (search) { search.focus(); search.select(); }
              break;
            case "j": move(1); break;
            case "k": move(-1); break;
            case "Enter":
            case "o":
              if (row && row.dataset.href) { window.location.href = row.dataset.href; }
              break;
            case "s":
              event.preventDefault();
              var control = row ? row.querySelector(".status-buttons button:not([disabled])") : document.getElementById("status");
              if (control) { control.focus(); }
              break;
            }
          });
          document.addEventListener("click", function (event) {
            var row = event.target.closest ? event.target.closest("li.paper") : null;
            if (row) { select(row); }
          });
        })();
        """
}
