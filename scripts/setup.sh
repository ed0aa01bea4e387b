#!/usr/bin/env bash
# One-time, idempotent setup of a fresh Debian 12 / Ubuntu 22.04 machine with the .NET 10 SDK:
# NuGet restore, then the TorchSharp load fix (docs/setup.md explains it). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (TTS engines, recogniser) for the data commands and their tests
# (scripts/apt-packages.txt). MICHI_SKIP_APT=1 skips this step.
if [[ "${MICHI_SKIP_APT:-0}" != 1 && -f scripts/apt-packages.txt ]] && command -v apt-get >/dev/null; then
  want=$(grep -v '^#' scripts/apt-packages.txt | while read -r p; do [[ -n "$p" ]] && ! dpkg -s "$p" >/dev/null 2>&1 && echo "$p"; done || true)
  if [[ -n "$want" ]]; then
    sudo=""; [[ $(id -u) != 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    # RHVoice and SVOX Pico live in Debian's non-free section: when a wanted package has no
    # candidate, add the contrib and non-free components to Debian's sources (deb822 or
    # one-line format; each only if absent, so re-running changes nothing) and update again.
    if [[ -n "$(for p in $want; do apt-cache show "$p" >/dev/null 2>&1 || echo "$p"; done)" ]]; then
      echo "setup: enabling the contrib and non-free components in apt sources"
      add='/ contrib( |$)/!s/$/ contrib/; / non-free( |$)/!s/$/ non-free/'
      [[ -f /etc/apt/sources.list.d/debian.sources ]] && $sudo sed -i -E "/^Components:/{$add}" /etc/apt/sources.list.d/debian.sources
      [[ -f /etc/apt/sources.list ]] && $sudo sed -i -E "/^deb(-src)? .*debian/{$add}" /etc/apt/sources.list
      $sudo apt-get update -qq
    fi
    echo "setup: installing $(echo $want | tr '\n' ' ')"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $want >/dev/null
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
