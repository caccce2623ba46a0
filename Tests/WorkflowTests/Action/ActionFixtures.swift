import Testing
import Workflow

/// Reads `yaml` as `action.yml`, recording an issue and returning nil when it has errors.
func readAction(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ActionManifest? {
    do {
        return try ActionManifestReader.read(yaml: yaml, file: "action.yml")
    } catch {
        Issue.record("unexpected errors:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The errors of `yaml` read as `action.yml`, as `file:line:column: message` lines.
func actionErrors(_ yaml: String) -> [String] {
    ActionManifestReader.validate(yaml: yaml, file: "action.yml").map(\.description)
}

/// Short versions of the metadata files of well-known actions, written after their public structure.
enum ActionFixtures {
    static let checkout = """
        name: 'Checkout'
        description: 'Checkout a Git repository at a particular version'
        inputs:
          repository:
            description: 'Repository name with owner. For example, actions/checkout'
            default: ${{ github.repository }}
          ref:
            description: >
              The branch, tag or SHA to checkout. When checking out the repository that
              triggered a workflow, this defaults to the reference or SHA for that event.
          token:
            description: >
              Personal access token (PAT) used to fetch the repository.
            default: ${{ github.token }}
          ssh-strict:
            description: 'Whether to perform strict host key checking.'
            default: true
          fetch-depth:
            description: 'Number of commits to fetch. 0 indicates all history for all branches and tags.'
            default: 1
          lfs:
            description: 'Whether to download Git-LFS files'
            default: false
          github-server-url:
            description: The base URL for the GitHub instance that you are trying to clone from.
            required: false
        outputs:
          ref:
            description: 'The branch, tag or SHA that was checked out'
          commit:
            description: 'The commit SHA that was checked out'
        runs:
          using: node24
          main: dist/index.js
          post: dist/index.js
        """

    static let setupNode = """
        name: 'Setup Node.js environment'
        description: 'Setup a Node.js environment by adding problem matchers and optionally downloading and adding it to the PATH.'
        author: 'GitHub'
        inputs:
          always-auth:
            description: 'Set always-auth in npmrc.'
            default: 'false'
          node-version:
            description: 'Version Spec of the version to use. Examples: 12.x, 10.15.1, >=10.15.0.'
          check-latest:
            description: 'Set this option if you want the action to check for the latest available version.'
            default: false
          token:
            description: Used to pull node distributions from node-versions.
            default: ${{ github.server_url == 'https://github.com' && github.token || '' }}
          cache:
            description: 'Used to specify a package manager for caching in the default directory. Supported values: npm, yarn, pnpm.'
        outputs:
          cache-hit:
            description: 'A boolean value to indicate if a cache was hit.'
          node-version:
            description: 'The installed node version.'
        runs:
          using: 'node20'
          main: 'dist/setup/index.js'
          post: 'dist/cache-save/index.js'
          post-if: success()
        """

    static let cache = """
        name: 'Cache'
        description: 'Cache artifacts like dependencies and build outputs to improve workflow execution time'
        author: 'GitHub'
        inputs:
          path:
            description: 'A list of files, directories, and wildcard patterns to cache and restore'
            required: true
          key:
            description: 'An explicit key for restoring and saving the cache'
            required: true
          restore-keys:
            description: 'An ordered multiline string listing the prefix-matched keys'
            required: false
          enableCrossOsArchive:
            description: 'An optional boolean when enabled, allows windows runners to save or restore caches'
            default: 'false'
            required: false
          save-always:
            description: 'Run the post step to save the cache even if another step before fails'
            default: 'false'
            required: false
            deprecationMessage: |
              save-always does not work as intended and will be removed in a future release.
        outputs:
          cache-hit:
            description: 'A boolean value to indicate an exact match was found for the primary key'
        runs:
          using: 'node20'
          main: 'dist/restore/index.js'
          post: 'dist/save/index.js'
          post-if: "success()"
        branding:
          icon: 'archive'
          color: 'gray-dark'
        """

    static let githubScript = """
        name: GitHub Script
        author: GitHub
        description: Run simple scripts using the GitHub client
        branding:
          color: blue
          icon: code
        inputs:
          script:
            description: The script to run
            required: true
          github-token:
            description: The GitHub token used to create an authenticated client
            default: ${{ github.token }}
            required: false
          debug:
            description: Whether to tell the GitHub client to log details of its requests.
            default: ${{ runner.debug == '1' }}
          user-agent:
            description: An optional user-agent string
            default: actions/github-script
          previews:
          result-encoding:
            description: Either "string" or "json" (default "json")
            default: json
          retries:
            description: The number of times to retry a request
            default: 0
          retry-exempt-status-codes:
            description: A comma separated list of status codes that will NOT be retried
            default: 400,401,403,404,422 # from octokit's retry plugin
        outputs:
          result:
            description: The return value of the script, stringified with `JSON.stringify`
        runs:
          using: node20
          main: dist/index.js
        """

    static let uploadArtifact = """
        name: 'Upload a Build Artifact'
        description: 'Upload a build artifact that can be used by subsequent workflow steps'
        author: 'GitHub'
        inputs:
          name:
            description: 'Artifact name'
            default: 'artifact'
          path:
            description: 'A file, directory or wildcard pattern that describes what to upload'
            required: true
          if-no-files-found:
            description: >
              The desired behavior if no files are found using the provided path.

              Available Options:
                warn: Output a warning but do not fail the action
                error: Fail the action with an error message
                ignore: Do not output any warnings or errors, the action does not fail
            default: 'warn'
          retention-days:
            description: >
              Duration after which artifact will expire in days. 0 means using default retention.
          compression-level:
            description: 'The level of compression for Zlib to be applied to the artifact archive.'
            default: '6'
          overwrite:
            description: 'If true, an artifact with a matching name will be deleted before a new one is uploaded.'
            default: 'false'
        outputs:
          artifact-id:
            description: >
              A unique identifier for the artifact that was just uploaded.
          artifact-url:
            description: 'A download URL for the artifact that was just uploaded.'
          artifact-digest:
        runs:
          using: 'node20'
          main: 'dist/upload/index.js'
        """

    static let dockerLogin = """
        # https://help.github.com/en/articles/metadata-syntax-for-github-actions
        name: 'Docker Login'
        description: 'GitHub Action to login against a Docker registry'
        author: 'docker'
        branding:
          icon: 'anchor'
          color: 'blue'

        inputs:
          registry:
            description: 'Server address of Docker registry. If not set then will default to Docker Hub'
            required: false
          username:
            description: 'Username used to log against the Docker registry'
            required: false
          password:
            description: 'Password or personal access token used to log against the Docker registry'
            required: false
          ecr:
            description: 'Specifies whether the given registry is ECR (auto, true or false)'
            default: 'auto'
            required: false
          logout:
            description: 'Log out from the Docker registry at the end of a job'
            default: 'true'
            required: false

        runs:
          using: 'node20'
          main: 'dist/index.js'
          post: 'dist/index.js'
        """

    /// A composite action that calls other actions, in the style of many setup actions.
    static let compositeSetup = """
        name: 'Setup and test'
        description: 'Installs Node.js, restores the npm cache and runs the tests'
        inputs:
          node-version:
            description: Node.js version
            required: true
            default: '20'
          working-directory:
            description: Where the package is
            default: .
        outputs:
          cache-hit:
            description: Whether the npm cache was hit
            value: ${{ steps.cache.outputs.cache-hit }}
          random:
            value: ${{ steps.random.outputs.value }}
        runs:
          using: "composite"
          steps:
            - uses: actions/setup-node@v4
              with:
                node-version: ${{ inputs.node-version }}
            - id: cache
              uses: actions/cache@v4
              with:
                path: ~/.npm
                key: ${{ runner.os }}-npm-${{ hashFiles('**/package-lock.json') }}
            - if: steps.cache.outputs.cache-hit != 'true'
              run: npm ci
              shell: bash
              working-directory: ${{ inputs.working-directory }}
            - id: random
              run: echo "value=$RANDOM" >> "$GITHUB_OUTPUT"
              shell: bash
            - name: Test
              run: ${{ github.action_path }}/scripts/test.sh
              shell: bash
              env:
                NODE_VERSION: ${{ inputs.node-version }}
              continue-on-error: ${{ inputs.node-version == '18' }}
            - uses: ./local-action
            - uses: docker://alpine:3.20
              with:
                args: echo done
        """

    /// A Docker container action in the style of GitHub's "hello world" example.
    static let dockerHello = """
        name: 'Hello World'
        description: 'Greet someone and record the time'
        inputs:
          who-to-greet:
            description: 'Who to greet'
            required: true
            default: 'World'
        outputs:
          time:
            description: 'The time we greeted you'
        runs:
          using: 'docker'
          image: 'Dockerfile'
          args:
            - ${{ inputs.who-to-greet }}
            - --verbose
            - 3
          env:
            GREETING: Hello ${{ inputs.who-to-greet }}
            COUNT: 2
          entrypoint: /entrypoint.sh
          pre-entrypoint: /setup.sh
          pre-if: runner.os == 'Linux'
          post-entrypoint: /cleanup.sh
          post-if: ${{ always() }}
        """
}
