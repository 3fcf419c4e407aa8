import ArgumentParser
import Foundation
import TaskBank

struct TasksListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tasks. Folders that do not load are reported on stderr and make the exit status 1."
    )

    @OptionGroup var tasks: TasksOptions

    @Flag(help: "Print a JSON array of {id, type, title, path}.")
    var json = false

    struct Entry: Encodable {
        var id: String
        var type: String
        var title: String
        var path: String
    }

    func run() throws {
        let catalog = try tasks.converting { try tasks.loader().loadAll() }
        let entries = catalog.tasks.map { Entry(id: $0.id, type: $0.manifest.type.rawValue, title: $0.manifest.title, path: $0.directory) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
        } else {
            let width = entries.map(\.id.count).max() ?? 0
            let typeWidth = entries.map(\.type.count).max() ?? 0
            for entry in entries {
                print(entry.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + entry.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0) + "  " + entry.title)
            }
        }
        for (folder, _, problems) in catalog.invalid {
            FileHandleOutput.standardError("probe: task folder '\(folder)' does not load:\n\(problems)")
        }
        if !catalog.invalid.isEmpty { throw ExitCode(1) }
    }
}
