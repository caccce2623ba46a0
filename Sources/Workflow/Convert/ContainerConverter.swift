/// Converts `container:` and `services:` entries.
struct ContainerConverter {
    let diagnostics: Diagnostics

    func convert(_ token: Token, isService: Bool) -> ContainerSpec? {
        let location = diagnostics.location(of: token)
        switch token.kind {
        case .expression(let info) where info.isSingle:
            return ContainerSpec(image: info.source, isExpression: true, location: location)
        case .string, .expression:
            return ContainerSpec(image: token.templateText, location: location)
        case .mapping(let pairs):
            var spec = ContainerSpec(image: "", location: location)
            var hasImage = false
            for pair in pairs {
                switch pair.key.string {
                case "image":
                    if let image = TokenValues.text(pair.value) {
                        spec.image = image
                        hasImage = !image.isEmpty
                    }
                case "options": spec.options = TokenValues.text(pair.value)
                case "env": spec.env = TokenValues.stringMap(pair.value)
                case "ports": spec.ports = TokenValues.stringList(pair.value)
                case "volumes": spec.volumes = TokenValues.stringList(pair.value)
                case "entrypoint": spec.entrypoint = TokenValues.text(pair.value)
                case "command": spec.command = TokenValues.text(pair.value)
                case "credentials":
                    spec.credentials = Credentials(
                        username: pair.value["username"].flatMap(TokenValues.text),
                        password: pair.value["password"].flatMap(TokenValues.text))
                default: break
                }
            }
            // As GitHub does, skip the check when any part is an expression.
            if !hasImage, !token.contains(where: \.isExpression) {
                diagnostics.error("Container image cannot be empty", at: token)
            }
            return spec
        default:
            return nil
        }
    }
}
