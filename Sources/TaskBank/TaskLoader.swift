import Foundation
import Yams

/// Reads a tasks root (`Tasks/`): every folder in it is a task. Loading reports everything
/// wrong with a task at once, each problem naming the file and field.
public struct TaskLoader: Sendable {
    public let root: String

    public init(root: String) throws {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        guard FileTree.isDirectory(absolute) else {
            throw TaskError(.missingFile, file: root, "no such folder; expected a tasks root holding one folder per task")
        }
        self.root = (absolute as NSString).standardizingPath
    }

    /// The task folders, sorted; dot-folders are skipped.
    public func folders() throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: root)
                .filter { !$0.hasPrefix(".") && FileTree.isDirectory(root + "/" + $0) }
                .sorted()
        } catch {
            throw TaskError(.io, file: root, "cannot list the tasks root: \(error.localizedDescription)")
        }
    }

    /// Every task, loaded or with its problems.
    public func loadAll() throws -> TaskCatalog {
        var catalog = TaskCatalog()
        for folder in try folders() { add(folder, to: &catalog) }
        return catalog
    }

    /// The tasks with these ids, in the order given; an id with no folder is an error.
    public func load(ids: [String]) throws -> TaskCatalog {
        let known = try folders()
        var catalog = TaskCatalog()
        for id in ids {
            guard known.contains(id) else {
                throw TaskError(.missingFile, file: root + "/" + id, "no task '\(id)'; known tasks: \(known.joined(separator: ", "))")
            }
            add(id, to: &catalog)
        }
        return catalog
    }

    private func add(_ folder: String, to catalog: inout TaskCatalog) {
        switch load(folder: folder) {
        case .success(let task): catalog.tasks.append(task)
        case .failure(let problems): catalog.invalid.append((folder, root + "/" + folder, problems))
        }
    }

    public func load(folder: String) -> Result<TaskDefinition, TaskProblems> {
        var checker = TaskChecker(directory: root + "/" + folder, folder: folder)
        guard let task = checker.load() else { return .failure(TaskProblems(checker.problems)) }
        return checker.problems.isEmpty ? .success(task) : .failure(TaskProblems(checker.problems))
    }
}

public struct TaskCatalog: Sendable {
    public var tasks: [TaskDefinition] = []
    /// Folders that did not load, with everything wrong with each.
    public var invalid: [(folder: String, directory: String, problems: TaskProblems)] = []
}

/// Decodes one YAML file into `T`, turning Yams' and Codable's errors into ``TaskError``s.
func decodeYAML<T: Decodable>(_ type: T.Type, at path: String) throws -> T {
    let data = try FileTree.read(path)
    let text = String(decoding: data, as: UTF8.self)
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw TaskError(.syntax, file: path, "the file is empty; expected a YAML mapping")
    }
    do {
        return try YAMLDecoder().decode(T.self, from: text)
    } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
        throw TaskError(.syntax, file: path, "not valid YAML: \(context.underlyingError!)")
    } catch let error as DecodingError {
        let (field, message) = error.fieldAndMessage
        throw TaskError(.invalidField, file: path, field: field, message)
    } catch let error as YamlError {
        throw TaskError(.syntax, file: path, "not valid YAML: \(error)")
    } catch {
        throw TaskError(.syntax, file: path, "\(error)")
    }
}
