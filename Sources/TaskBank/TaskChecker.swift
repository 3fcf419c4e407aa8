import Foundation

/// The static checks of one task folder, collecting every problem rather than stopping at the
/// first. What needs pytest (collection, outcomes) is `probe validate`'s job.
struct TaskChecker {
    let directory: String
    let folder: String
    private(set) var problems: [TaskError] = []
    /// Test module → the names it defines, read once however many test ids name it.
    private var definitions: [String: Set<String>] = [:]

    init(directory: String, folder: String) {
        self.directory = directory
        self.folder = folder
    }

    private mutating func problem(_ kind: TaskError.Kind, _ relative: String, field: String? = nil, _ message: String) {
        problems.append(TaskError(kind, file: directory + (relative.isEmpty ? "" : "/" + relative), field: field, message))
    }

    private mutating func record(_ error: any Error) {
        if let error = error as? TaskError { problems.append(error) } else { problem(.io, "", "\(error)") }
    }

    /// The task, or nil when task.yaml itself is unusable. Problems found are in `problems`.
    mutating func load() -> TaskDefinition? {
        guard FileTree.isFile(directory + "/task.yaml") else {
            problem(.missingFile, "task.yaml", "missing; every folder under the tasks root is a task and needs one (see Tasks/README.md)")
            return nil
        }
        let manifest: TaskManifest
        do {
            manifest = try decodeYAML(TaskManifest.self, at: directory + "/task.yaml")
        } catch {
            record(error)
            return nil
        }
        if manifest.id != folder {
            problem(.invalidField, "task.yaml", field: "id", "is '\(manifest.id)' but the folder is '\(folder)'; they must match")
        }
        checkLayout()
        let testFiles = checkTestModules()
        let missing = checkBuckets(manifest.tests, testFiles: testFiles)
        checkReference()
        let known = Set(manifest.tests.all).subtracting(missing)
        let bugs = loadBugs(known: known, missing: missing)
        let key = loadAnswerKey(type: manifest.type, known: known, missing: missing)
        let task = TaskDefinition(manifest: manifest, directory: directory, bugs: bugs, answerKey: key)
        checkBugChanges(task)
        checkMutation(manifest)
        checkProbes(task)
        return task
    }

    /// Load probes: the scripts the service names under load/ exist, and every probe a bug
    /// is `caught_by` is one of the task's.
    private mutating func checkProbes(_ task: TaskDefinition) {
        let manifest = task.manifest
        if let service = manifest.service {
            for (field, command) in [("service.start", service.start), ("service.setup", service.setup ?? [])] {
                for argument in command where argument.hasPrefix("load/") && !FileTree.isFile(directory + "/" + argument) {
                    problem(.missingFile, argument, "named by task.yaml's \(field), but it does not exist")
                }
            }
        }
        let names = Set(manifest.probes.map(\.name))
        for bug in task.bugs {
            for probe in bug.manifest.caughtByProbes where !names.contains(probe) {
                problem(.unknownTest, "bugs/\(bug.name)/bug.yaml", field: "caught_by",
                        "'\(probe)' is not a test id, nor one of the task's probes\(names.isEmpty ? "" : " (" + names.sorted().joined(separator: ", ") + ")")")
            }
        }
    }

    /// A regression-tests task names the modules its mutants change and the original bug.
    private mutating func checkMutation(_ manifest: TaskManifest) {
        guard let mutation = manifest.mutation else {
            if manifest.type == .regressionTests {
                problem(.invalidField, "task.yaml", field: "mutation", "missing; a regression-tests task names the modules to mutate and its original_bug")
            }
            return
        }
        guard manifest.type == .regressionTests else {
            problem(.invalidField, "task.yaml", field: "mutation", "only regression-tests tasks score tests with mutants; this is \(manifest.type.rawValue)")
            return
        }
        for (index, module) in mutation.modules.enumerated()
        where !FileTree.isFile(directory + "/reference/" + module) && !FileTree.isFile(directory + "/starter/" + module) {
            problem(.invalidField, "task.yaml", field: "mutation.modules[\(index)]", "\(module) is in neither starter/ nor reference/")
        }
        if !FileTree.isDirectory(directory + "/bugs/" + mutation.originalBug) {
            problem(.invalidField, "task.yaml", field: "mutation.original_bug", "bugs/\(mutation.originalBug)/ does not exist")
        }
    }

    private mutating func checkLayout() {
        if !FileTree.isFile(directory + "/brief.md") {
            problem(.missingFile, "brief.md", "missing; it is what the candidate reads first")
        } else if (try? FileTree.read(directory + "/brief.md"))?.isEmpty ?? true {
            problem(.invalidField, "brief.md", "is empty")
        }
        for required in ["starter", "reference", "public", "hidden", "bugs"] where !FileTree.isDirectory(directory + "/" + required) {
            problem(.missingFile, required + "/", "missing folder; see Tasks/README.md for what it holds")
        }
        if FileTree.isDirectory(directory + "/starter"), (try? FileTree.files(under: directory + "/starter").files.isEmpty) ?? true {
            problem(.missingFile, "starter/", "is empty; it is exactly what the candidate receives")
        }
        // A symlink could point a bundle at anything on the exporting machine.
        if let others = try? FileTree.files(under: directory).others {
            for path in others { problem(.invalidField, path, "is a symlink or special file; tasks hold regular files only") }
        }
    }

    /// The test modules of public/ and hidden/, relative to the task folder.
    private mutating func checkTestModules() -> Set<String> {
        var modules: Set<String> = []
        var owners: [String: String] = [:]
        for suite in TestID.Suite.allCases {
            let root = directory + "/" + suite.rawValue
            guard FileTree.isDirectory(root), let files = try? FileTree.files(under: root).files else { continue }
            for file in files where file.hasSuffix(".py") {
                let path = suite.rawValue + "/" + file
                modules.insert(path)
                // Both folders go on sys.path, so a helper in one would shadow its namesake.
                let name = (file as NSString).lastPathComponent
                if let other = owners[name] {
                    problem(.duplicate, path, "has the same module name as \(other); Python imports test and helper modules by name, so they must differ")
                }
                owners[name] = path
            }
        }
        return modules
    }

    /// Returns the listed tests that do not exist.
    private mutating func checkBuckets(_ buckets: TaskManifest.Buckets, testFiles: Set<String>) -> Set<TestID> {
        var seen: [TestID: String] = [:]
        var missing: Set<TestID> = []
        for (bucket, ids) in [("tests.fail_to_pass", buckets.failToPass), ("tests.pass_to_pass", buckets.passToPass)] {
            for (index, id) in ids.enumerated() {
                let field = "\(bucket)[\(index)]"
                if let first = seen[id] {
                    problem(.duplicate, "task.yaml", field: field, "\(id) is already listed at \(first); each test goes in exactly one bucket, once")
                    continue
                }
                seen[id] = field
                if bucket == "tests.fail_to_pass" && id.suite != .hidden {
                    problem(.invalidField, "task.yaml", field: field, "\(id) is not in hidden/; fail_to_pass holds hidden tests that fail on the starter")
                }
                if !checkTestExists(id, testFiles: testFiles, in: "task.yaml", field: field) { missing.insert(id) }
            }
        }
        if buckets.all.isEmpty {
            problem(.invalidField, "task.yaml", field: "tests", "both buckets are empty; list every test of public/ and hidden/")
        }
        return missing
    }

    /// The problem with a test id that a bug or an answer names: not in the buckets, or in
    /// them but naming a test that does not exist.
    private func unknownReason(_ id: TestID, missing: Set<TestID>) -> String {
        missing.contains(id) ? "\(id) names a test that does not exist (see task.yaml's buckets)"
            : "\(id) is in neither bucket of task.yaml; name a test the task has"
    }

    /// A cheap static check that the module exists and defines the names; `probe validate`
    /// then compares the ids with what pytest really collects.
    @discardableResult
    private mutating func checkTestExists(_ id: TestID, testFiles: Set<String>, in file: String, field: String) -> Bool {
        guard testFiles.contains(id.file) else {
            problem(.unknownTest, file, field: field, "\(id) names \(id.file), which does not exist")
            return false
        }
        if definitions[id.file] == nil {
            guard let source = try? FileTree.read(directory + "/" + id.file) else { return false }
            definitions[id.file] = Self.definedNames(in: String(decoding: source, as: UTF8.self))
        }
        let defined = definitions[id.file] ?? []
        let undefined = id.names.filter { !defined.contains($0) }
        for name in undefined {
            problem(.unknownTest, file, field: field, "\(id): \(id.file) defines no '\(name)'")
        }
        return undefined.isEmpty
    }

    /// The names a module defines, at any indentation: functions, classes, and names assigned
    /// (`name = …`, `name: T = …`).
    static func definedNames(in source: String) -> Set<String> {
        var names: Set<String> = []
        for line in source.lines() {
            let code = line.drop { $0 == " " || $0 == "\t" }
            for prefix in ["def ", "async def ", "class "] where code.hasPrefix(prefix) {
                let rest = code.dropFirst(prefix.count)
                let name = rest.prefix { $0 != "(" && $0 != ":" }
                if name.count < rest.count { names.insert(String(name)) }
            }
            let identifier = code.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let after = code.dropFirst(identifier.count)
            if !identifier.isEmpty, after.hasPrefix(" =") || after.hasPrefix(": ") { names.insert(String(identifier)) }
        }
        return names
    }

    private mutating func checkReference() {
        let reference = directory + "/reference"
        guard FileTree.isDirectory(reference), let files = try? FileTree.files(under: reference).files else { return }
        if files.isEmpty { problem(.missingFile, "reference/", "is empty; it is an overlay on starter/ holding the known-good solution") }
        for file in files {
            let starterFile = directory + "/starter/" + file
            if FileTree.isFile(starterFile), FileTree.sameText(starterFile, reference + "/" + file) {
                problem(.identicalOverlay, "reference/" + file, "is identical to starter/\(file); an overlay file must change something")
            }
        }
    }

    private mutating func loadBugs(known: Set<TestID>, missing: Set<TestID>) -> [TaskDefinition.Bug] {
        let root = directory + "/bugs"
        guard FileTree.isDirectory(root), let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var bugs: [TaskDefinition.Bug] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = "bugs/" + name
            guard FileTree.isDirectory(root + "/" + name) else {
                problem(.invalidField, folder, "is a file; each bug is a folder holding bug.yaml and bug.patch or tree/")
                continue
            }
            guard TaskManifest.isValidID(name) else {
                problem(.invalidField, folder, "bug names are lowercase letters, digits and dashes")
                continue
            }
            guard FileTree.isFile(root + "/" + name + "/bug.yaml") else {
                problem(.missingFile, folder + "/bug.yaml", "missing; it says what the bug is and which tests catch it")
                continue
            }
            let manifest: BugManifest
            do { manifest = try decodeYAML(BugManifest.self, at: root + "/" + name + "/bug.yaml") } catch { record(error); continue }
            var listed: Set<TestID> = []
            for (index, id) in manifest.caughtBy.enumerated() {
                if !listed.insert(id).inserted {
                    problem(.duplicate, folder + "/bug.yaml", field: "caught_by[\(index)]", "\(id) is listed twice")
                } else if !known.contains(id) {
                    problem(.unknownTest, folder + "/bug.yaml", field: "caught_by[\(index)]", unknownReason(id, missing: missing))
                }
            }
            let tree = root + "/" + name + "/tree", patch = root + "/" + name + "/bug.patch"
            switch (FileTree.isDirectory(tree), FileTree.isFile(patch)) {
            case (true, false): bugs.append(.init(name: name, manifest: manifest, change: .overlay(tree)))
            case (false, true): bugs.append(.init(name: name, manifest: manifest, change: .patch(patch)))
            case (true, true): problem(.invalidField, folder, "has both bug.patch and tree/; a bug is one or the other")
            case (false, false): problem(.missingFile, folder + "/bug.patch", "missing (or tree/); it holds the wrong solution, as a diff against the reference or as whole files")
            }
        }
        if bugs.isEmpty && FileTree.isDirectory(root) {
            problem(.missingFile, "bugs/", "holds no bug; plant at least one so validate can prove the tests catch it")
        }
        return bugs
    }

    /// A bug's changes must apply to the reference and change something: a bug identical to
    /// the reference would "pass" validation by proving nothing, the way BugsInPy shipped
    /// buggy/fixed pairs that were the same.
    mutating func checkBugChanges(_ task: TaskDefinition) {
        for bug in task.bugs {
            let changes: [(path: String, contents: Data?)]
            do { changes = try task.changes(of: bug) } catch { record(error); continue }
            if changes.isEmpty { problem(.missingFile, "bugs/\(bug.name)/tree/", "is empty; it holds the wrong solution") }
            for (path, contents) in changes {
                guard let contents, let base = task.referenceFile(path), let original = try? FileTree.read(base) else { continue }
                if ContentDigest.normalized(original) == ContentDigest.normalized(contents) {
                    problem(.identicalOverlay, "bugs/\(bug.name)", field: path, "is identical to the reference's \(path); the bug must change it")
                }
            }
        }
    }

    private mutating func loadAnswerKey(type: TaskType, known: Set<TestID>, missing: Set<TestID>) -> AnswerKey? {
        let path = directory + "/key.yaml"
        guard FileTree.isFile(path) else {
            if type.needsAnswerKey { problem(.missingFile, "key.yaml", "missing; a \(type.rawValue) task needs an answer key") }
            return nil
        }
        guard type.needsAnswerKey else {
            problem(.invalidField, "key.yaml", "only pr-review and incident-debug tasks have an answer key; this is \(type.rawValue)")
            return nil
        }
        let key: AnswerKey
        do { key = try decodeYAML(AnswerKey.self, at: path) } catch { record(error); return nil }
        var ids: Set<String> = []
        for (index, answer) in key.answers.enumerated() {
            let field = "answers[\(index)]"
            if !ids.insert(answer.id).inserted { problem(.duplicate, "key.yaml", field: field + ".id", "'\(answer.id)' is used twice") }
            let file = directory + "/starter/" + answer.file
            if let data = try? FileTree.read(file) {
                let count = FileTree.lineCount(data)
                if answer.lines.last > count {
                    problem(.invalidField, "key.yaml", field: field + ".lines", "\(answer.lines) is past the end of starter/\(answer.file) (\(count) lines)")
                }
            } else {
                problem(.invalidField, "key.yaml", field: field + ".file", "starter/\(answer.file) does not exist; keys point into the tree the candidate reads")
            }
            for (t, id) in answer.tests.enumerated() {
                if !known.contains(id) {
                    problem(.unknownTest, "key.yaml", field: field + ".tests[\(t)]", unknownReason(id, missing: missing))
                } else if id.suite != .hidden {
                    problem(.invalidField, "key.yaml", field: field + ".tests[\(t)]", "\(id) is not in hidden/; an answer is proven by hidden tests")
                }
            }
        }
        return key
    }
}
