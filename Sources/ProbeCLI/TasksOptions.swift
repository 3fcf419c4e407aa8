import ArgumentParser
import TaskBank

/// `--tasks DIR`, shared by every command that reads the task bank.
struct TasksOptions: ParsableArguments {
    @Option(name: .customLong("tasks"), help: ArgumentHelp("The tasks root: one folder per task.", valueName: "DIR"))
    var root: String?

    func loader() throws -> TaskLoader {
        do {
            return try TaskLoader(root: root ?? Locations.tasks())
        } catch let error as TaskError {
            throw ValidationError("--tasks \(error.file): \(error.message)")
        }
    }

    /// One task by id, or a clear error naming what is wrong with it.
    func task(_ id: String) throws -> TaskDefinition {
        let catalog: TaskCatalog
        do {
            catalog = try loader().load(ids: [id])
        } catch let error as TaskError {
            throw ValidationError(error.description)
        }
        if let (_, problems) = catalog.invalid.first {
            throw ValidationError("task '\(id)' does not load:\n\(problems)")
        }
        return catalog.tasks[0]
    }
}
