import ArgumentParser
import TaskBank

struct TasksShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a task: its limits, rubric, test buckets, planted bugs and answer key (grader-side; never give this to a candidate)."
    )

    @OptionGroup var tasks: TasksOptions

    @Argument(help: "The task's id.")
    var id: String

    func run() throws {
        let task = try tasks.task(id)
        let m = task.manifest
        print("\(m.id): \(m.title)")
        print("  type        \(m.type.rawValue)")
        print("  timebox     \(m.timebox)")
        print("  path        \(task.directory)")
        print("  python      \(m.python.version)\(m.python.requirements.isEmpty ? "" : " + " + m.python.requirements.map(\.description).joined(separator: ", "))")
        print("  limits      cpu \(m.limits.cpu), wall \(m.limits.wall), memory \(m.limits.memory)")
        print("  sandbox     profile \(m.sandbox.profile), network \(m.sandbox.network.rawValue)")
        print("  rubric      " + m.rubric.sorted { $0.key < $1.key }.map { "\($0.key.title) ×\($0.value)" }.joined(separator: ", "))
        print("  tests       \(m.tests.failToPass.count) fail_to_pass, \(m.tests.passToPass.count) pass_to_pass")
        print("  bugs")
        for bug in task.bugs {
            print("    \(bug.name): \(bug.manifest.description)")
            print("      caught by " + (bug.manifest.caughtBy.map(\.raw) + bug.manifest.caughtByProbes.map { "probe " + $0 }).joined(separator: ", "))
        }
        if let key = task.answerKey {
            print("  answer key")
            for answer in key.answers {
                print("    \(answer.id): \(answer.file):\(answer.lines) [\(answer.category.rawValue), \(answer.severity.rawValue)] \(answer.summary)")
            }
        }
    }
}
