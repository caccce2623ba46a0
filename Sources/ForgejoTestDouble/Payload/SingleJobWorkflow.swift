import Expressions
import Foundation
import Yams

/// Builds the `workflow_payload` of one job (§3.5.1): a self-contained workflow with the top-level
/// `name`, `on`, `env` and `defaults` of the original and exactly one job under `jobs`, whose
/// `name` is the expanded display name, whose `runs-on` is the evaluated label list (a scalar for
/// one label) and whose `strategy.matrix` holds only this job's combination, each vector a
/// one-element list. Everything else of the job (steps, needs, if, outputs, …) is copied as
/// written; expressions inside it are left for the runner.
struct SingleJobWorkflow {
    /// The original workflow's root mapping.
    private let root: Node.Mapping

    /// Reads the raw YAML (the typed model is read separately by `WorkflowReader`).
    init(yaml: String) throws(DoubleError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw DoubleError(.invalidWorkflow, "cannot read the workflow YAML: \(error)")
        }
        guard let mapping = node?.mapping else {
            throw DoubleError(.invalidWorkflow, "the workflow is not a YAML mapping")
        }
        root = mapping
    }

    /// The payload of `jobKey` with the given name, labels and matrix combination.
    func payload(jobKey: String, name: String, runsOn: [String], matrix: ObjectValue?) throws(DoubleError) -> String {
        guard let jobs = root["jobs"]?.mapping, let original = jobs[jobKey]?.mapping else {
            throw DoubleError(.invalidWorkflow, "job '\(jobKey)' not found in the workflow YAML")
        }
        var jobPairs: [(Node, Node)] = []
        var sawName = false
        var sawRunsOn = false
        for (key, value) in original {
            switch key.string {
            case "name":
                sawName = true
                jobPairs.append((Self.plain("name"), Self.string(name)))
            case "runs-on":
                sawRunsOn = true
                jobPairs.append((Self.plain("runs-on"), Self.runsOnNode(runsOn)))
            case "strategy":
                jobPairs.append((Self.copy(key), Self.strategy(value, matrix: matrix)))
            default:
                jobPairs.append((Self.copy(key), Self.copy(value)))
            }
        }
        if !sawName { jobPairs.insert((Self.plain("name"), Self.string(name)), at: 0) }
        if !sawRunsOn { jobPairs.append((Self.plain("runs-on"), Self.runsOnNode(runsOn))) }

        var top: [(Node, Node)] = []
        for (key, value) in root {
            guard let text = key.string else { continue }
            switch text {
            case "name", "env", "defaults":
                top.append((Self.copy(key), Self.copy(value)))
            case "on", "true":
                // `on` is a boolean in YAML 1.1; always write it quoted so every reader sees a key.
                top.append((Self.quoted("on"), Self.copy(value)))
            default:
                continue
            }
        }
        top.append((Self.plain("jobs"), Node([(Self.plain(jobKey), Node(jobPairs))])))
        do {
            return try Yams.serialize(node: Node(top), width: -1, allowUnicode: true)
        } catch {
            throw DoubleError(.invalidWorkflow, "cannot write the payload of job '\(jobKey)': \(error)")
        }
    }

    // MARK: - Nodes

    private static func plain(_ text: String) -> Node {
        .scalar(Node.Scalar(text, .implicit, .plain))
    }

    private static func quoted(_ text: String) -> Node {
        .scalar(Node.Scalar(text, .implicit, .doubleQuoted))
    }

    /// A string scalar that reads back as a string (quoted when it would look like another type).
    private static func string(_ text: String) -> Node {
        let probe = Node.scalar(Node.Scalar(text, .implicit, .plain))
        let ambiguous = probe.bool != nil || probe.int != nil || probe.float != nil || probe.null != nil
            || probe.timestamp != nil || text.isEmpty || text.contains("\n")
            || text.trimmingCharacters(in: .whitespaces) != text
        return .scalar(Node.Scalar(text, .implicit, ambiguous ? .doubleQuoted : .any))
    }

    private static func runsOnNode(_ labels: [String]) -> Node {
        if labels.count == 1 { return string(labels[0]) }
        return Node(labels.map(string))
    }

    /// `strategy:` with `matrix:` replaced by the single combination (kept as is without one).
    private static func strategy(_ node: Node, matrix: ObjectValue?) -> Node {
        guard let mapping = node.mapping, let matrix, !matrix.isEmpty else { return copy(node) }
        var pairs: [(Node, Node)] = []
        var sawMatrix = false
        for (key, value) in mapping {
            if key.string == "matrix" {
                sawMatrix = true
                pairs.append((plain("matrix"), collapsed(matrix)))
            } else {
                pairs.append((copy(key), copy(value)))
            }
        }
        if !sawMatrix { pairs.append((plain("matrix"), collapsed(matrix))) }
        return Node(pairs)
    }

    private static func collapsed(_ matrix: ObjectValue) -> Node {
        Node(matrix.entries.map { (plain($0.key), Node([node(for: $0.value)])) })
    }

    /// A YAML node for an expression value (strings stay strings, numbers stay numbers).
    static func node(for value: Value) -> Node {
        switch value {
        case .null:
            return plain("null")
        case .bool(let flag):
            return plain(flag ? "true" : "false")
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return plain(String(Int64(number))) }
            return plain(String(number))
        case .string(let text):
            return string(text)
        case .array(let items):
            return Node(items.map(node(for:)))
        case .object(let object):
            return Node(object.entries.map { (plain($0.key), node(for: $0.value)) })
        }
    }

    /// A deep copy without anchors (aliases were already resolved by the parser), so the copied
    /// job never refers to an anchor defined elsewhere.
    private static func copy(_ node: Node) -> Node {
        switch node {
        case .scalar(let scalar):
            return .scalar(Node.Scalar(scalar.string, scalar.tag, scalar.style))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(copy), sequence.tag, sequence.style))
        case .mapping(let mapping):
            return .mapping(Node.Mapping(mapping.map { (copy($0.key), copy($0.value)) }, mapping.tag, mapping.style))
        case .alias(let alias):
            return .alias(alias)
        }
    }
}
