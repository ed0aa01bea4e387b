#!/usr/bin/env bash
# Codec quality over CPU hours, one point per call (docs/quality.md):
#   scripts/codec-curve.sh RUN_DIR EVAL_DIR [CSV]
# Evaluates the latest checkpoint of a `codec train` output folder (RUN_DIR/checkpoints/latest.json)
# with `michi eval codec` on the held-out utterances in EVAL_DIR and appends one row to CSV
# (default RUN_DIR/quality.csv):
#   step, cpu_hours (trainer.json elapsed_seconds / 3600), val_mel (the trainer's own validation
#   at or before that step, from RUN_DIR/metrics.csv) and val_mel_step, eval_mel (the same
#   measure on EVAL_DIR), wer_original, wer_resynth, files, reference_words, evaluated_at.
# A step already in the CSV is skipped, so it can run after every sitting (or from cron) and
# the curve grows. The checkpoint is copied first (model files only): a training run deletes old
# checkpoints while this runs. Cheap on purpose, beside a training process: 1 LibTorch thread,
# nice 10, FILES (30) utterances; about 2-3 minutes.
# Environment: MICHI (command that runs michi; default the ./michi launcher), FILES, SEED (the
# choice of utterances, 0), KEEP (a folder: keep each evaluation's WAVs + results.json there
# as step-NNNNNNNN/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 RUN_DIR EVAL_DIR [CSV]" >&2
  exit 2
fi
run="$1"
eval_dir="$2"
csv="${3:-$run/quality.csv}"
files="${FILES:-30}"
seed="${SEED:-0}"
read -r -a michi <<<"${MICHI:-$root/michi}"

die() { echo "codec-curve: $*" >&2; exit 2; }
[[ -d "$run/checkpoints" ]] || die "$run: no checkpoints/ folder (not a codec train output folder)"
[[ -d "$eval_dir" ]] || die "$eval_dir: evaluation folder not found"

# "key": number from a JSON text (our own flat output, or the top of trainer.json).
json_number() { grep -o "\"$1\": *[-0-9.eE+]*" | head -n 1 | sed 's/.*: *//'; }

latest_dir() {
  local latest="$run/checkpoints/latest.json" name=""
  [[ -f "$latest" ]] && name="$(grep -o '"directory": *"[^"]*"' "$latest" | sed 's/.*"\([^"]*\)"$/\1/')"
  if [[ -z "$name" || ! -d "$run/checkpoints/$name" ]]; then
    name="$(cd "$run/checkpoints" && ls -d step-* 2>/dev/null | sort | tail -n 1)"
  fi
  [[ -n "$name" ]] || die "$run: no checkpoint yet"
  echo "$run/checkpoints/$name"
}

work="$(mktemp -d "${TMPDIR:-/tmp}/codec-curve.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Copy the latest checkpoint's model files; retry if training deleted it under us.
copy="$work/checkpoint"
step=""
for attempt in 1 2 3; do
  src="$(latest_dir)"
  rm -rf "$copy" && mkdir -p "$copy"
  if cp "$src/config.json" "$src/model.safetensors" "$src/trainer.json" "$copy/" 2>/dev/null; then
    step="$(json_number step <"$copy/trainer.json")"
    [[ -n "$step" ]] && break
  fi
  sleep 5
done
[[ -n "$step" ]] || die "$run: could not copy a complete checkpoint"

if [[ -f "$csv" ]] && awk -F, -v s="$step" 'NR > 1 && $1 == s { found = 1 } END { exit !found }' "$csv"; then
  echo "codec-curve: step $step already in $csv; nothing to do" >&2
  exit 0
fi

# The trainer's validation mel at or before this step (metrics.csv, column val_mel).
val_mel=""
val_step=""
if [[ -f "$run/metrics.csv" ]]; then
  read -r val_step val_mel < <(awk -F, -v s="$step" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "val_mel") c = i; next }
    c && $c != "" && $1 + 0 <= s + 0 { st = $1; v = $c }
    END { print st, v }' "$run/metrics.csv") || true
fi

echo "codec-curve: evaluating step $step of $run on $files files of $eval_dir" >&2
out_args=()
[[ -n "${KEEP:-}" ]] && out_args=(--out "$KEEP/step-$(printf %08d "$step")")
result="$(nice -n 10 "${michi[@]}" eval codec --model "$copy" --data "$eval_dir" --files "$files" --seed "$seed" \
  --threads 1 --json "${out_args[@]}")"

row="$step,$(json_number cpu_hours <<<"$result"),$val_mel,$val_step,$(json_number mel_l1 <<<"$result"),\
$(json_number wer_original <<<"$result"),$(json_number wer_resynth <<<"$result"),$(json_number files <<<"$result"),\
$(json_number reference_words <<<"$result"),$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# Append atomically: the new file replaces the old in one rename.
mkdir -p "$(dirname "$csv")"
tmp="$(dirname "$csv")/.$(basename "$csv").$$.tmp"
if [[ -f "$csv" ]]; then cp "$csv" "$tmp"; else
  echo "step,cpu_hours,val_mel,val_mel_step,eval_mel,wer_original,wer_resynth,files,reference_words,evaluated_at" >"$tmp"
fi
echo "$row" >>"$tmp"
mv "$tmp" "$csv"
echo "$row"
