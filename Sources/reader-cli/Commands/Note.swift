import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Write, list, edit and remove Markdown notes on papers.",
        subcommands: [AddNote.self, ListNotes.self, EditNote.self, RemoveNote.self, NoteHistory.self, PurgeNote.self]
    )

    struct AddNote: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a note to a paper; without TEXT, $EDITOR opens (- reads standard input).",
            discussion: "reader note add 2405.12345 \"Key idea: recycle Krylov subspaces.\""
        )
        @Argument(help: "The paper.") var paper: String
        @Argument(help: "The note (Markdown).") var text: String?
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let store = try library.open()
            let found = try store.resolve(paper)
            let body = try text.map(Editor.textOrStandardInput) ?? Editor.edit("", hint: "Note on: \(found.displayTitle)")
            let note = try store.addNote(to: found.id, body: body)
            if output.json { Render.json(PaperJSON.note(note)) } else { print("Added note \(Render.annotationID(note.id)) to \(found.displayTitle)") }
        }
    }

    struct ListNotes: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List notes, of one paper or of all.")
        @Argument(help: "The paper (default: all papers).") var paper: String?
        @Flag(help: "Only notes whose paper was purged.") var orphans = false
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let store = try library.open()
            let notes = orphans ? try store.orphanNotes() : try store.notes(of: paper.map { try store.resolve($0).id })
            if output.json { Render.json(.array(notes.map(PaperJSON.note))); return }
            var titles: [UUID: String] = [:]
            for note in notes {
                if paper == nil {
                    if titles[note.paperID] == nil { titles[note.paperID] = try store.paper(note.paperID)?.displayTitle ?? "(missing paper)" }
                    print(Render.term.bold(titles[note.paperID] ?? ""))
                }
                print(Render.note(note), terminator: "")
            }
        }
    }

    struct EditNote: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Replace a note's text; without TEXT, $EDITOR opens on it.")
        @Argument(help: "The note id (or its first characters).") var note: String
        @Argument(help: "The new text.") var text: String?
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let store = try library.open()
            let current = try store.note(note)
            let body = try text.map(Editor.textOrStandardInput) ?? Editor.edit(current.body, hint: nil)
            let edited = try store.editNote(current.id, body: body)
            if output.json { Render.json(PaperJSON.note(edited)) } else { print("Saved note \(Render.annotationID(edited.id))") }
        }
    }

    struct RemoveNote: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a note.")
        @Argument(help: "The note id (or its first characters).") var note: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let current = try store.note(note)
            try store.removeNote(current.id)
            print("Removed note \(Render.annotationID(current.id))")
        }
    }

    struct NoteHistory: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Show the texts a note held before, oldest first (local edits, sync replacements, conflicts).")
        @Argument(help: "The note id (or its first characters).") var note: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let found = try store.note(note)
            let history = try store.textHistory(of: .note, id: found.id.lowercased, field: "body")
            if history.isEmpty { print("no earlier texts of note \(Render.annotationID(found.id))") }
            let format = ISO8601DateFormatter()
            for entry in history {
                print(Render.term.bold("\(format.string(from: entry.replacedAt))  \(entry.reason)"))
                print(entry.text.hasSuffix("\n") ? entry.text : entry.text + "\n")
            }
            print(Render.term.bold("now"))
            print(found.body)
        }
    }

    struct PurgeNote: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "purge", abstract: "Delete a note for good, on every synced machine.")
        @Argument(help: "The note id (or its first characters).") var note: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let found = try store.note(note)
            try store.purgeNote(found.id)
            print("Purged note \(Render.annotationID(found.id))")
        }
    }
}
