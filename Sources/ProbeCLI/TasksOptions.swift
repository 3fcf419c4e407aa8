import ArgumentParser
import TaskBank

/// `--tasks DIR`, shared by every command that reads the task bank.
struct TasksOptions: ParsableArguments {
    @Option(name: .customLong("tasks"), help: ArgumentHelp("The tasks root: one folder per task. Default: the repository's Tasks/, or PROBE_TASKS.", valueName: "DIR"))
    var root: String?

    func loader() throws -> TaskLoader {
        let root = try self.root ?? Locations.tasks()
        do {
            return try TaskLoader(root: root)
        } catch let error as TaskError {
            throw ValidationError("tasks root \(error.file)\(self.root == nil ? " (from PROBE_TASKS or the repository)" : " (--tasks)"): \(error.message)")
        }
    }

    /// One task by id, or a clear error naming what is wrong with it.
    func task(_ id: String) throws -> TaskDefinition {
        let catalog = try converting { try loader().load(ids: [id]) }
        if let (_, _, problems) = catalog.invalid.first {
            throw ValidationError("task '\(id)' does not load:\n\(problems)")
        }
        return catalog.tasks[0]
    }

    /// Runs `body`, turning a task-bank error (which names its file and field) into a usage
    /// error: printed as is, exit status 64.
    func converting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as TaskError {
            throw ValidationError(error.description)
        }
    }
}
