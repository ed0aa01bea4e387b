#!/usr/bin/env bash
# One-time, idempotent setup of a fresh Debian 12 / Ubuntu 22.04 machine with the .NET 10 SDK:
# NuGet restore, then the TorchSharp load fix (docs/setup.md explains it). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Optional system packages (TTS engines, recogniser) for the data and evaluation commands; the
# build and tests need none of them. MICHI_SKIP_APT=1 skips this step.
if [[ "${MICHI_SKIP_APT:-0}" != 1 && -f scripts/apt-packages.txt ]] && command -v apt-get >/dev/null; then
  want=$(grep -v '^#' scripts/apt-packages.txt | while read -r p; do [[ -n "$p" ]] && ! dpkg -s "$p" >/dev/null 2>&1 && echo "$p"; done || true)
  if [[ -n "$want" ]]; then
    sudo=""; [[ $(id -u) != 0 ]] && sudo="sudo"
    echo "setup: installing $(echo $want | tr '\n' ' ')"
    $sudo apt-get update -qq && $sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $want >/dev/null
  fi
fi

echo "setup: restoring NuGet packages"
dotnet restore Michi.slnx --verbosity quiet

# Patch the TorchSharp glue library in the NuGet cache, so every build copies the fixed file.
nuget_root=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
lib="${nuget_root%/}/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so"
if [[ ! -f "$lib" ]]; then
  echo "setup: $lib not found after restore" >&2; exit 1
fi
dotnet run scripts/fix-libtorchsharp.cs -- "$lib"
# Build outputs made before the fix hold the unpatched copy: fix those too.
find . -path ./.git -prune -o -name libLibTorchSharp.so -path '*/bin/*' -print 2>/dev/null | while read -r f; do
  dotnet run scripts/fix-libtorchsharp.cs -- "$f" >/dev/null
done
mkdir -p .build && touch .build/.setup-done
echo "setup: done"
