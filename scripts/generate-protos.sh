#!/usr/bin/env bash
# Regenerates Sources/ForgejoProtocol/Generated from Protos/ with protoc and protoc-gen-swift.
# Needs: protoc (apt install protobuf-compiler) and protoc-gen-swift built from swift-protobuf
# 1.39.0 (swift build -c release --product protoc-gen-swift in a checkout of it); pass its path
# as PROTOC_GEN_SWIFT or put it in PATH. The generated files are committed: builds never run this.
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}
out=Sources/ForgejoProtocol/Generated
rm -rf "$out"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  --swift_out="$out" -I Protos \
  Protos/ping/v1/messages.proto Protos/runner/v1/messages.proto
echo "generated: $(ls "$out")"
