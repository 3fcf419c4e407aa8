import CProbeShims
import Foundation
import Load
import NIOCore
import Testing

@testable import LoadProbes

/// The downstream stub listens inside the sandbox's network namespace, which appears a
/// moment before init brings its `lo` up.
@Suite struct DownstreamStubTests {
    @Test func theStubRetriesWhileLoopbackHasNoAddressYet() throws {
        try #require(geteuid() == 0, "the tests run as root, as CI does")
        let namespace = try Self.freshNetworkNamespace()
        defer { close(namespace) }
        // lo up but without 127.0.0.1: binding fails with EADDRNOTAVAIL until the address is
        // there, as it does for a moment while init brings lo up (about 1 bind in 8,000
        // during that transition, measured here).
        try Self.ip(in: namespace, "link", "set", "lo", "up")
        try Self.ip(in: namespace, "addr", "del", "127.0.0.1/8", "dev", "lo")
        let group = try LoadGroup(eventLoops: 1, networkNamespace: "/proc/self/fd/\(namespace)")
        defer { group.shutdown() }

        // With no time to wait, the bind fails as it did in the race.
        let early = DownstreamStub(loop: group.loops[0], body: "{}", delay: 0)
        #expect {
            try early.start(until: Date())
        } throws: { error in
            (error as? IOError)?.errnoCode == EADDRNOTAVAIL
        }

        // The address comes back a little later; a stub given time keeps trying until then.
        let restored = DispatchSemaphore(value: 0)
        let restoreFailure = Handoff()
        Thread.detachNewThread {
            usleep(200_000)
            do { try Self.ip(in: namespace, "addr", "add", "127.0.0.1/8", "dev", "lo"); restoreFailure.value = 0 } catch { restoreFailure.value = 1 }
            restored.signal()
        }
        let stub = DownstreamStub(loop: group.loops[0], body: #"{"price": 1}"#, delay: 0)
        defer { stub.stop() }
        try stub.start(until: Date().addingTimeInterval(10))
        restored.wait()
        #expect(restoreFailure.value == 0)
        let answer = try LoadGenerator.fetch(RequestTemplate(path: "/"), port: DownstreamStub.port, timeout: 2, on: group).wait()
        #expect(answer?.status == 200)
        #expect(stub.requestCount() == 1)
    }

    /// Runs `ip ARGS...` in the network namespace behind `namespace`, through nsenter.
    static func ip(in namespace: Int32, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["--net=/proc/\(getpid())/fd/\(namespace)", "ip"] + arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "nsenter ip \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
    }

    /// A new network namespace, made on a thread of its own (a namespace belongs to a
    /// thread), and a descriptor that keeps it.
    static func freshNetworkNamespace() throws -> Int32 {
        let made = DispatchSemaphore(value: 0)
        let descriptor = Handoff(), failure = Handoff()
        Thread.detachNewThread {
            if probe_unshare(PROBE_CLONE_NEWNET) == 0 {
                descriptor.value = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            }
            if descriptor.value < 0 { failure.value = errno }
            made.signal()
        }
        made.wait()
        try #require(descriptor.value >= 0, "a new network namespace: \(String(cString: strerror(failure.value)))")
        return descriptor.value
    }
}

/// A value one thread sets before it signals a semaphore and another reads after waiting on
/// it; the semaphore orders the two.
private final class Handoff: @unchecked Sendable {
    var value: Int32 = -1
}
