import Foundation

/// A small but complete task, written into a fresh tasks root, for tests that break one part
/// of it on purpose. The real fixtures in Tasks/ are too big to copy for every test.
///
/// The task: `shop.pricing.total(prices, discount_percent)`; the starter ignores the discount,
/// the reference applies it rounding half up, and the bug `rounds-down` truncates.
public struct TaskFixture {
    public static let id = "tiny-pricing"

    /// The tasks root holding the one task.
    public let root: URL
    public var task: URL { root.appendingPathComponent(Self.id) }

    public init() throws {
        root = try ProbeProcess.temporaryDirectory()
        for (path, text) in Self.files { try write(text, to: path) }
    }

    public func write(_ text: String, to path: String) throws {
        let url = task.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: task.appendingPathComponent(path))
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: task.appendingPathComponent(path), encoding: .utf8)
    }

    /// Replaces the first occurrence of `old` in a file; fails loudly if it is not there.
    public func edit(_ path: String, replacing old: String, with new: String) throws {
        let text = try read(path)
        guard let range = text.range(of: old) else { throw FixtureError(description: "\(path) does not contain '\(old)'") }
        try write(text.replacingCharacters(in: range, with: new), to: path)
    }

    public func cleanUp() {
        try? FileManager.default.removeItem(at: root)
    }

    public struct FixtureError: Error, CustomStringConvertible {
        public var description: String
    }

    static let pricingStarter = """
    from decimal import ROUND_HALF_UP, Decimal


    def total(prices_cents: list[int], discount_percent: int = 0) -> int:
        \"\"\"The order total in cents after a whole-order percentage discount.\"\"\"
        if not 0 <= discount_percent <= 100:
            raise ValueError(f"discount must be 0-100, got {discount_percent}")
        return sum(prices_cents)

    """

    static let files: [String: String] = [
        "task.yaml": """
        id: tiny-pricing
        type: feature-extension
        title: Apply order discounts
        timebox: 30m
        python:
          version: "3.11"
          requirements: []
        limits:
          cpu: 20s
          wall: 30s
          memory: 256MiB
        rubric:
          decomposition: 2
          verification: 1
        tests:
          fail_to_pass:
            - hidden/test_pricing.py::test_discount_is_applied
            - hidden/test_pricing.py::test_discount_rounds_half_up[1]
            - hidden/test_pricing.py::test_discount_rounds_half_up[3]
          pass_to_pass:
            - public/test_smoke.py::test_total_without_discount
            - hidden/test_pricing.py::test_empty_order_is_free
            - hidden/test_pricing.py::test_rejects_discount_over_100

        """,
        "brief.md": "# Discounts\n\nApply `discount_percent` to the order total, rounding half a cent up.\n",
        "starter/shop/__init__.py": "",
        "starter/shop/pricing.py": pricingStarter,
        "reference/shop/pricing.py": pricingStarter.replacingOccurrences(of: "    return sum(prices_cents)\n", with: """
            gross = Decimal(sum(prices_cents))
            net = gross * (100 - discount_percent) / 100
            return int(net.quantize(Decimal(1), rounding=ROUND_HALF_UP))

        """),
        "public/test_smoke.py": """
        from shop.pricing import total


        def test_total_without_discount():
            assert total([100, 250]) == 350

        """,
        "hidden/test_pricing.py": """
        import pytest

        from shop.pricing import total


        @pytest.mark.rubric("decomposition", weight=2)
        def test_discount_is_applied():
            assert total([1000, 1000], discount_percent=10) == 1800


        @pytest.mark.rubric("verification")
        @pytest.mark.parametrize("cents", [1, 3])
        def test_discount_rounds_half_up(cents):
            assert total([cents * 10 + 5], discount_percent=50) == (cents * 10 + 5) // 2 + 1


        @pytest.mark.rubric("decomposition")
        def test_empty_order_is_free():
            assert total([], discount_percent=30) == 0


        @pytest.mark.rubric("decomposition")
        def test_rejects_discount_over_100():
            with pytest.raises(ValueError):
                total([100], discount_percent=101)

        """,
        "bugs/rounds-down/bug.yaml": """
        description: Truncates the discounted total instead of rounding half a cent up.
        caught_by:
          - hidden/test_pricing.py::test_discount_rounds_half_up[1]
          - hidden/test_pricing.py::test_discount_rounds_half_up[3]

        """,
        "bugs/rounds-down/tree/shop/pricing.py": pricingStarter.replacingOccurrences(of: "    return sum(prices_cents)\n", with: """
            return sum(prices_cents) * (100 - discount_percent) // 100

        """),
    ]
}

extension TaskFixture {
    public enum Tree { case starter, reference }

    /// A new submission folder named `name` (in a folder of its own): the starter, with the
    /// reference on top if asked, then the files of `overlay` (a folder) on top of that.
    public func submission(_ tree: Tree, overlay: URL? = nil, named name: String = "submission") throws -> URL {
        let folder = root.appendingPathComponent("submissions").appendingPathComponent(UUID().uuidString).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var layers = [task.appendingPathComponent("starter")]
        if tree == .reference { layers.append(task.appendingPathComponent("reference")) }
        if let overlay { layers.append(overlay) }
        for layer in layers {
            let walker = FileManager.default.enumerator(at: layer, includingPropertiesForKeys: [.isRegularFileKey])
            while let file = walker?.nextObject() as? URL {
                guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let relative = String(file.path.dropFirst(layer.path.count + 1))
                let target = folder.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
                try FileManager.default.copyItem(at: file, to: target)
            }
        }
        return folder
    }
}
