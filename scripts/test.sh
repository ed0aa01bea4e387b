#!/usr/bin/env bash
# Runs every test project (the README's test command). Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f .build/.setup-done ]] || scripts/setup.sh
dotnet test Michi.slnx --nologo "$@"
