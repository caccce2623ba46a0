/// Turns `if:` values into GitHub's normalised condition: the expression text (an outer `${{ }}`
/// removed), wrapped as `success() && (...)` unless it already calls a status function.
enum ConditionConverter {
    static let jobContext = AllowedContext(WorkflowSchema.jobIfContext)
    static let stepContext = AllowedContext(WorkflowSchema.stepIfContext)

    /// Returns the condition as written and the normalised condition; reports invalid expressions.
    static func convert(_ token: Token, context: AllowedContext, diagnostics: Diagnostics) -> (raw: String?, condition: String) {
        let raw: String? = { if case .null = token.kind { return nil } else { return token.templateText } }()
        let text: String
        switch token.kind {
        case .expression(let info):
            text = info.expression
        case .string(let value, _) where TemplateScanner.containsExpression(value):
            // The template reader already reported this value.
            return (raw, value)
        default:
            text = token.literalString.trimmingWhitespace()
        }
        if text.isEmpty { return (raw, "success()") }
        do {
            let usesStatusFunction = try context.parse(text)?.usesStatusFunction ?? true
            return (raw, usesStatusFunction ? text : "success() && (\(text))")
        } catch {
            diagnostics.error(error.message, at: token)
            return (raw, text)
        }
    }
}
