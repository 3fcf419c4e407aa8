import Foundation
import ProbeTestSupport
import TaskBank
import Testing

@Suite struct FileTreeTests {
    /// The copy that builds every grading tree: bytes, permission bits and modification time
    /// survive; an existing file is replaced; missing folders are created.
    @Test func copyKeepsBytesModeAndTimeAndReplacesTheTarget() throws {
        let dir = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("run.sh").path, target = dir.appendingPathComponent("a/b/run.sh").path
        let bytes = Data((0..<70_000).map { UInt8($0 % 251) })
        try bytes.write(to: URL(fileURLWithPath: source))
        #expect(chmod(source, 0o750) == 0)
        let stamp = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: source)
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("a/b").path, withIntermediateDirectories: true)
        try Data("old and longer than nothing".utf8).write(to: URL(fileURLWithPath: target))

        try FileTree.copyFile(source, to: target)

        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == bytes)
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect(attributes[.posixPermissions] as? Int == 0o750)
        #expect(attributes[.modificationDate] as? Date == stamp)
    }

    @Test func copyOfAMissingFileNamesBothPaths() throws {
        let dir = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("gone.py").path, target = dir.appendingPathComponent("out/gone.py").path
        do {
            try FileTree.copyFile(source, to: target)
            Issue.record("copying a missing file succeeded")
        } catch {
            #expect("\(error)".contains(target))
            #expect("\(error)".contains("cannot copy \(source) here: open: No such file or directory"))
        }
    }
}
