import Mustache

/// The pages' Mustache templates, compiled into the binary: `{{value}}` is escaped,
/// `{{{value}}}` only ever holds HTML this module made (Markdown, snippets, charts).
enum Templates {
    /// The compiled templates, by name.
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in sources {
            try library.register(text, named: name)
        }
        return library
    }

    static let sources: [String: String] = [
        "layout": layout, "row": row, "queue": queue, "search": search, "paper": paper,
        "tags": tags, "stats": stats, "sync": sync, "problem": problem,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{pageTitle}} · reader</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/assets/reader.css">
        <script src="/assets/reader.js" defer></script>
        </head>
        <body data-form-key="{{csrf}}">
        <header class="top">
        <a class="brand" href="/">reader</a>
        <nav>
        <a href="/"{{#nav.queue}} aria-current="page"{{/nav.queue}}>Queue</a>
        <a href="/tags"{{#nav.tags}} aria-current="page"{{/nav.tags}}>Tags</a>
        <a href="/stats"{{#nav.stats}} aria-current="page"{{/nav.stats}}>Stats</a>
        <a href="/sync"{{#nav.sync}} aria-current="page"{{/nav.sync}}>Sync</a>
        </nav>
        <form class="search" action="/search" method="get" role="search">
        <input id="q" name="q" type="search" value="{{query}}" placeholder="Search  /" aria-label="Search the library" autocomplete="off">
        </form>
        </header>
        <main>
        {{$body}}{{/body}}
        </main>
        <footer>{{library}} · keys: <kbd>/</kbd> search · <kbd>j</kbd> <kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>s</kbd> status</footer>
        </body>
        </html>
        """

    static let row = """
        <li class="paper" data-href="/papers/{{id}}">
        <div class="line">
        <a class="title" href="/papers/{{id}}">{{title}}</a>
        <span class="badge status-{{status}}">{{status}}</span>
        </div>
        <div class="meta">{{authors}}{{#year}} · {{year}}{{/year}}{{#tags}} <a class="tag" href="{{href}}">#{{name}}</a>{{/tags}}</div>
        {{#snippet}}<div class="snippet">{{#page}}<span class="page">{{page}}</span> {{/page}}{{{snippet}}}</div>{{/snippet}}
        <form class="status-buttons" method="post" action="/papers/{{id}}/status">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}">
        {{#statusChoices}}<button name="status" value="{{value}}"{{#current}} disabled aria-pressed="true"{{/current}}>{{label}}</button>{{/statusChoices}}
        </form>
        </li>
        """

    static let queue = """
        {{<layout}}{{$body}}
        <h1>Queue</h1>
        <p class="counts">{{#counts}}<a href="/search?q=status:{{status}}" class="count status-{{status}}">{{status}} <b>{{count}}</b></a> {{/counts}}</p>
        {{#groups}}
        <section class="group" id="{{status}}">
        <h2>{{label}} <span class="n">{{count}}</span></h2>
        {{^empty(papers)}}<ol class="papers">{{#papers}}{{> row}}{{/papers}}</ol>{{/empty(papers)}}
        {{^papers}}<p class="empty">{{empty}}</p>{{/papers}}
        {{#more}}<p class="more"><a href="/search?q=status:{{status}}">all {{count}} {{status}} papers</a></p>{{/more}}
        </section>
        {{/groups}}
        {{/body}}{{/layout}}
        """

    static let search = """
        {{<layout}}{{$body}}
        <h1>Search</h1>
        {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
        {{#hasQuery}}<p class="summary">{{summary}}</p>{{/hasQuery}}
        {{^empty(hits)}}<ol class="papers">{{#hits}}{{> row}}{{/hits}}</ol>{{/empty(hits)}}
        {{^hasQuery}}<p class="help">Words must all match; <code>"a phrase"</code>; <code>-word</code> excludes; <code>word*</code> a prefix.
        Filters: <code>tag:NAME</code> <code>status:reading</code> <code>year:2020..2024</code> <code>author:NAME</code> <code>has:notes</code> <code>has:file</code> <code>in:text</code> <code>in:trash</code>.</p>{{/hasQuery}}
        {{/body}}{{/layout}}
        """

    static let paper = """
        {{<layout}}{{$body}}
        {{#paper}}
        <article class="paper-page" data-paper="{{id}}">
        {{#trashed}}<p class="problem">This paper is in the trash (<code>reader restore {{short}}</code> brings it back).</p>{{/trashed}}
        <h1>{{title}}</h1>
        <p class="authors">{{allAuthors}}</p>
        <p class="meta">{{facts}}{{#citeKey}} · <code>{{citeKey}}</code>{{/citeKey}} · <code>{{short}}</code></p>
        {{^empty(links)}}<p class="links">{{#links}}<a href="{{href}}" rel="noopener noreferrer">{{label}}</a> {{/links}}</p>{{/empty(links)}}

        <form class="status-form" method="post" action="/papers/{{id}}/status">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="/papers/{{id}}">
        <label>Status <select id="status" name="status">{{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statusOptions}}</select></label>
        <label>Rating <select name="rating">{{#ratingOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/ratingOptions}}</select></label>
        <button>Save</button>
        </form>

        <section class="tags">
        <h2>Tags</h2>
        <ul class="tag-list">{{#tags}}<li><a class="tag" href="{{href}}">#{{name}}</a>
        <form method="post" action="/papers/{{id}}/tags/remove" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="tag" value="{{name}}"><button class="remove" aria-label="Remove tag {{name}}" title="Remove">×</button></form></li>{{/tags}}</ul>
        <form method="post" action="/papers/{{id}}/tags" class="inline add-tag"><input type="hidden" name="csrf" value="{{csrf}}">
        <input id="new-tag" name="tag" placeholder="new tag" aria-label="New tag" required><button>Add tag</button></form>
        </section>

        {{#abstract}}<section class="abstract"><h2>Abstract</h2><p>{{abstract}}</p></section>{{/abstract}}

        {{^empty(files)}}<section class="files"><h2>Files</h2>
        {{#files}}<div class="file">
        {{#here}}<a href="{{href}}">{{name}}</a> <span class="meta">{{kind}}, {{size}}</span>{{/here}}
        {{^here}}{{name}} <span class="meta">{{kind}}, {{size}}, not on this machine: <code>reader open {{short}}</code> fetches it</span>{{/here}}
        {{#isPDF}}<iframe class="pdf" src="{{href}}" title="{{name}}"></iframe>{{/isPDF}}
        </div>{{/files}}
        </section>{{/empty(files)}}

        {{^empty(conflicts)}}<section class="conflicts"><h2>Conflicting edits</h2>
        <p>Sync found this note edited on two machines on the same lines and kept both texts. Keep one, or merge them.</p>
        {{#conflicts}}<div class="conflict">
        <div class="side"><h3>Note{{#originalDay}}, {{originalDay}}{{/originalDay}}</h3><pre>{{originalText}}</pre>
        {{#hasOriginal}}<form method="post" action="/notes/{{copyID}}/settle"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="body" value="{{originalText}}"><button>Keep this one</button></form>{{/hasOriginal}}</div>
        <div class="side"><h3>Conflict copy, {{copyDay}}</h3><pre>{{copyText}}</pre>
        <form method="post" action="/notes/{{copyID}}/settle"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="body" value="{{copyText}}"><button>Keep this one</button></form></div>
        <form class="merge" method="post" action="/notes/{{copyID}}/settle"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Merged<textarea name="body" rows="8">{{merged}}</textarea></label><button>Save the merge</button></form>
        </div>{{/conflicts}}
        </section>{{/empty(conflicts)}}

        <section class="notes"><h2>Notes</h2>
        {{#notes}}<div class="note" id="note-{{short}}">
        <div class="note-body">{{{html}}}</div>
        <p class="meta">{{day}} · <code>{{short}}</code></p>
        <details><summary>Edit</summary>
        <form method="post" action="/notes/{{id}}"><input type="hidden" name="csrf" value="{{csrf}}"><textarea name="body" rows="6" aria-label="Note text">{{body}}</textarea><button>Save note</button></form>
        <form method="post" action="/notes/{{id}}/remove"><input type="hidden" name="csrf" value="{{csrf}}"><button class="remove">Remove note</button></form>
        </details>
        </div>{{/notes}}
        <form method="post" action="/papers/{{id}}/notes" class="add-note"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="new-note">New note (Markdown)</label><textarea id="new-note" name="body" rows="5" required></textarea><button>Add note</button></form>
        </section>

        {{^empty(highlights)}}<section class="highlights"><h2>Highlights</h2>
        {{#highlights}}<blockquote>{{text}}{{#page}} <span class="meta">{{page}}</span>{{/page}}{{#comment}}<p class="comment">{{comment}}</p>{{/comment}}</blockquote>{{/highlights}}
        </section>{{/empty(highlights)}}
        </article>
        {{/paper}}
        {{/body}}{{/layout}}
        """

    static let tags = """
        {{<layout}}{{$body}}
        <h1>Tags</h1>
        {{^empty(tags)}}<ul class="tag-counts">{{#tags}}<li><a class="tag" href="{{href}}">#{{name}}</a> <span class="n">{{papers}}</span></li>{{/tags}}</ul>{{/empty(tags)}}
        {{^tags}}<p class="empty">No tags yet: add one on a paper's page, or <code>reader tag PAPER +name</code>.</p>{{/tags}}
        {{/body}}{{/layout}}
        """

    static let stats = """
        {{<layout}}{{$body}}
        <h1>Reading</h1>
        <p class="counts">{{#counts}}<a href="/search?q=status:{{status}}" class="count status-{{status}}">{{status}} <b>{{count}}</b></a> {{/counts}}
        · {{notes}} · {{highlights}}{{#medianWait}} · median wait before reading: {{medianWait}}{{/medianWait}}</p>
        <section><h2>Added per week <span class="n">last {{weeks}} weeks</span></h2>{{{addedChart}}}</section>
        <section><h2>Read per week</h2>{{{readChart}}}</section>
        <section><h2>Unread papers</h2>{{{pileChart}}}</section>
        <section><h2>Time from added to read</h2>{{{waitChart}}}</section>
        <section><h2>Top tags</h2>{{{tagChart}}}</section>
        {{/body}}{{/layout}}
        """

    static let sync = """
        {{<layout}}{{$body}}
        <h1>Sync</h1>
        <dl class="facts">
        <dt>Remote</dt><dd>{{#remote}}<code>{{remote}}</code>{{/remote}}{{^remote}}none: <code>reader remote set URL --token TOKEN</code>, then <code>reader sync</code>{{/remote}}</dd>
        <dt>Last sync</dt><dd>{{lastSync}}</dd>
        <dt>Changes not sent yet</dt><dd>{{pending}}</dd>
        {{#held}}<dt>Set aside</dt><dd>{{held}} changes the server refused (<code>reader sync status</code> says why)</dd>{{/held}}
        <dt>This machine</dt><dd><code>{{node}}</code></dd>
        </dl>
        {{/body}}{{/layout}}
        """

    static let problem = """
        {{<layout}}{{$body}}
        <h1>{{heading}}</h1>
        <p class="problem" role="alert">{{message}}</p>
        <p><a href="/">Back to the queue</a></p>
        {{/body}}{{/layout}}
        """
}
