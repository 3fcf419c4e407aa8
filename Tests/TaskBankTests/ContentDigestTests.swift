import Foundation
import Testing
@testable import TaskBank

@Suite struct ContentDigestTests {
    @Test func sha256IsLowerCaseHexOfTheStandardDigest() {
        // FIPS 180-2's test vector for "abc".
        #expect(ContentDigest.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentDigest.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    @Test func normalizingDropsWhatEditorsChangeOnTheirOwn() {
        let plain = Data("def f():\n    return 1\n".utf8)
        for variant in ["def f():\r\n    return 1\r\n", "def f():  \n    return 1\t\n\n\n", "def f():\n    return 1", "def f():\n    return 1\n \t\n"] {
            #expect(ContentDigest.normalized(Data(variant.utf8)) == ContentDigest.normalized(plain), "\(variant.debugDescription)")
        }
        #expect(String(decoding: ContentDigest.normalizedText(Data("a \r\n\tb\t\r\n\r\n".utf8)), as: UTF8.self) == "a\n\tb")
    }

    @Test func normalizingKeepsWhatChangesTheCode() {
        let plain = ContentDigest.normalized(Data("if x:\n    y()\n".utf8))
        // Leading indentation, a blank line inside the text and the characters themselves all count.
        for variant in ["if x:\n  y()\n", "if x:\n\n    y()\n", "if x:\n    z()\n", "if x :\n    y()\n"] {
            #expect(ContentDigest.normalized(Data(variant.utf8)) != plain, "\(variant.debugDescription)")
        }
    }

    @Test func triviality() {
        #expect(ContentDigest.isTrivial(Data("\n\n   \n".utf8)))
        #expect(ContentDigest.isTrivial(Data("from .app import create_app\n".utf8)))
        #expect(!ContentDigest.isTrivial(Data("def test_total_is_the_sum_of_the_lines():\n    assert total([1, 2]) == 3\n".utf8)))
    }
}
