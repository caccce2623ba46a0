/// The functions an expression may call, with their parameter counts.
enum BuiltinFunction: Sendable, CaseIterable {
    case contains, startsWith, endsWith, format, join, toJSON, fromJSON, caseOf
    case hashFiles, success, always, failure, cancelled

    /// The name as documented (names are matched case-insensitively).
    var name: String {
        switch self {
        case .contains: return "contains"
        case .startsWith: return "startsWith"
        case .endsWith: return "endsWith"
        case .format: return "format"
        case .join: return "join"
        case .toJSON: return "toJSON"
        case .fromJSON: return "fromJSON"
        case .caseOf: return "case"
        case .hashFiles: return "hashFiles"
        case .success: return "success"
        case .always: return "always"
        case .failure: return "failure"
        case .cancelled: return "cancelled"
        }
    }

    var minimumArguments: Int {
        switch self {
        case .contains, .startsWith, .endsWith: return 2
        case .format, .join, .toJSON, .fromJSON, .hashFiles: return 1
        case .caseOf: return 3
        case .success, .always, .failure, .cancelled: return 0
        }
    }

    var maximumArguments: Int {
        switch self {
        case .contains, .startsWith, .endsWith: return 2
        case .join: return 2
        case .toJSON, .fromJSON: return 1
        case .format, .caseOf, .hashFiles: return 255
        case .success, .always, .failure, .cancelled: return 0
        }
    }

    /// Functions that are only available where a workflow key allows them (see
    /// `Expression.init(_:allowedContexts:allowedFunctions:)`); the rest are always available.
    var isRestricted: Bool {
        switch self {
        case .hashFiles, .success, .always, .failure, .cancelled: return true
        default: return false
        }
    }

    var isStatusFunction: Bool {
        switch self {
        case .success, .always, .failure, .cancelled: return true
        default: return false
        }
    }

    /// Functions that build strings whose size counts against the evaluation memory limit.
    var allocates: Bool {
        switch self {
        case .format, .join, .toJSON: return true
        default: return false
        }
    }

    private static let byFoldedName: [String: BuiltinFunction] = {
        var table: [String: BuiltinFunction] = [:]
        for function in allCases { table[function.name.lowercased()] = function }
        return table
    }()

    /// Case-insensitive lookup.
    static func named(_ name: String) -> BuiltinFunction? {
        byFoldedName[name.lowercased()]
    }
}
