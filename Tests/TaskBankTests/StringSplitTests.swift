import Foundation
import TaskBank
import Testing

@Suite struct StringSplitTests {
    /// `pieces` replaces Foundation's `components(separatedBy:)`; they agree on text without
    /// CRLF, text beyond ASCII included.
    @Test(arguments: ["", "\n", "a", "a\n", "\na\n\nb", "\r\ra\n\n", "é\nü\n日本\n", "a::b::c[1]", "::", "a==1.0=="])
    func piecesMatchFoundationsComponents(_ text: String) {
        #expect(text.pieces(separatedBy: "\n") == text.components(separatedBy: "\n"))
        #expect(text.pieces(separatedBy: "::") == text.components(separatedBy: "::"))
        #expect(text.pieces(separatedBy: "==") == text.components(separatedBy: "=="))
    }

    /// Where they differ: `"\r\n"` is one Character, and both Foundation and a Character split
    /// see a CRLF file as one line. A patch to such a file could not apply.
    @Test func piecesSplitCRLFTextIntoLines() {
        #expect("one\r\ntwo\r\n".components(separatedBy: "\n") == ["one\r\ntwo\r\n"])
        #expect("one\r\ntwo\r\n".pieces(separatedBy: "\n") == ["one\r", "two\r", ""])
    }

    @Test func linesReadCRLFTextAsItShows() {
        #expect("one\r\ntwo\r\n\r\nfour".lines() == ["one", "two", "", "four"])
        #expect("a\nb\n".lines() == ["a", "b", ""])
        #expect("carriage\r only".lines() == ["carriage\r only"])
    }

    @Test func aPatchAppliesToACRLFFile() throws {
        let patch = try UnifiedPatch("--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n x = 1\r\n-y = 2\r\n+y = 3\r\n", source: "bug.patch")
        let patched = try patch.apply(patch.files[0], to: "x = 1\r\ny = 2\r\n", source: "bug.patch")
        #expect(patched == "x = 1\r\ny = 3\r\n")
    }
}
