#!/usr/bin/env bash
# The recipe of the shipped demo model (models/demo), stage by stage, with the exact settings.
# Every stage resumes where it stopped (each command is resumable and skips finished work), so
# run it again after an interruption, in as many sittings as the CPU hours need:
#
#   scripts/train-demo.sh                 # every stage in order
#   scripts/train-demo.sh codec           # one stage (or several: text speech-lm shards head)
#   CODEC_STEPS=20000 scripts/train-demo.sh codec
#
# Stages: text-corpus, codec-corpus, codec, text, lm-corpus, shards, head, joint, vocoder, export, eval.
# The codec (small-hn: harmonic-plus-noise vocoder) starts from the encoder of the earlier
# small-preset run committed in models/codec-small-wip. The stages after it train on latents of
# the codec checkpoint at CODEC_STEPS, so their folders are named after that step and a longer
# codec run starts them afresh; the vocoder stage then keeps training the vocoder alone on that
# frozen encoder (VOCODER_STEPS, any number of sittings), and export ships that vocoder. Numbers measured along the way: docs/training.md,
# docs/quality.md, models/demo/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MICHI=${MICHI:-"$root/michi"}
RUNS=${RUNS:-runs}

# Sizes of each stage (overridable). The shipped model's values are the defaults.
CODEC_STEPS=${CODEC_STEPS:-200000}     # codec steps before the encoder is frozen for the speech LM
VOCODER_STEPS=${VOCODER_STEPS:-200000} # vocoder-only steps on the frozen encoder (the shipped vocoder)
VOCODER_ADVERSARIAL_START=${VOCODER_ADVERSARIAL_START:-5750}  # spectral only before this step, then the light adversary
TEXT_STEPS=${TEXT_STEPS:-700}
HEAD_STEPS=${HEAD_STEPS:-2000}
JOINT_STEPS=${JOINT_STEPS:-2000}
LM_HOURS=${LM_HOURS:-10}
THREADS=${THREADS:-1}

# Voices. The codec hears every installed English voice (it is a generic audio autoencoder);
# the speech LM never hears the held-out voices, which are kept for the cloning evaluation
# (the default --clone-voices of `michi eval speech`: six speakers from four engines).
HELD_OUT_VOICES="flite:awb,rhvoice:evgeniy-eng,pico:en-US,pico:en-GB,festival:rab_diphone,festival:ked_diphone"
LM_VOICES="rhvoice:alan,rhvoice:bdl,rhvoice:clb,rhvoice:slt,rhvoice:lyubov,festival:cmu_us_slt_arctic_hts,festival:kal_diphone,festival:don_diphone,festival:us1_mbrola,festival:us2_mbrola,festival:us3_mbrola,festival:en1_mbrola,flite:rms,flite:kal16,flite:slt"

TOKENIZER_FROM=tests/Michi.Model.Tests/Fixtures/tiny-llama
INIT_ENCODER=models/codec-small-wip/checkpoints/step-00008750
codec_dir="$RUNS/codec-hn"
codec_at="$RUNS/codec-hn-at-$CODEC_STEPS"      # frozen copy of the checkpoint the LM is trained on
vocoder_dir="$RUNS/vocoder-hn-c$CODEC_STEPS"
shards="$RUNS/shards-demo-c$CODEC_STEPS"
head="$RUNS/head-demo-c$CODEC_STEPS"
joint="$RUNS/joint-demo-c$CODEC_STEPS"

say() { printf '\n== %s\n' "$*" >&2; }
resume_flag() { [[ -f "$1/checkpoints/latest.json" ]] && echo --resume || true; }

stage_text_corpus() {
  say "text corpus (data/text/all)"
  [[ -s data/text/all/train.txt ]] || scripts/fetch-text.sh
}

stage_codec_corpus() {
  say "codec corpus: 3 h, every voice ($RUNS/speech)"
  "$MICHI" data synth --corpus all --voices all --hours 3 --out "$RUNS/speech" --workers 2 --seed 1
}

stage_codec() {
  say "codec: small-hn preset to step $CODEC_STEPS ($codec_dir)"
  local init=(--init-encoder "$INIT_ENCODER")
  [[ -f "$codec_dir/checkpoints/latest.json" ]] && init=(--resume)
  "$MICHI" codec train --data "$RUNS/speech" --preset small-hn --steps "$CODEC_STEPS" --out "$codec_dir" \
    --threads "$THREADS" --checkpoint-every 250 --validate-every 500 --seed 0 "${init[@]}"
  if [[ ! -d "$codec_at" ]]; then
    latest=$(sed -n 's/.*"directory": *"\([^"]*\)".*/\1/p' "$codec_dir/checkpoints/latest.json")
    mkdir -p "$codec_at.tmp" && cp "$codec_dir/checkpoints/$latest"/{config.json,model.safetensors} "$codec_at.tmp/" && mv "$codec_at.tmp" "$codec_at"
  fi
}

stage_vocoder() {
  say "vocoder: $VOCODER_STEPS steps on the frozen encoder of $codec_at ($vocoder_dir)"
  local init=(--init-codec "$codec_at" --freeze-encoder --adversarial-start "$VOCODER_ADVERSARIAL_START")
  [[ -f "$vocoder_dir/checkpoints/latest.json" ]] && init=(--resume)
  "$MICHI" codec train --data "$RUNS/speech" --steps "$VOCODER_STEPS" --out "$vocoder_dir" \
    --threads "$THREADS" --checkpoint-every 250 --validate-every 500 --seed 0 "${init[@]}"
}

stage_text() {
  say "text backbone: demo preset, $TEXT_STEPS steps ($RUNS/text-demo)"
  "$MICHI" train --stage text --preset demo --out "$RUNS/text-demo" \
    --text data/text/all/train.txt --val-text data/text/all/validation.txt --tokenizer "$TOKENIZER_FROM" \
    --steps "$TEXT_STEPS" --validate-every 100 --checkpoint-every 100 --seed 0 --threads "$THREADS" \
    $(resume_flag "$RUNS/text-demo")
}

stage_lm_corpus() {
  say "speech-LM corpus: $LM_HOURS h, training voices only ($RUNS/speech-lm)"
  "$MICHI" data synth --corpus all --voices "$LM_VOICES" --hours "$LM_HOURS" --out "$RUNS/speech-lm" --workers 2 --seed 2
}

stage_shards() {
  say "shards: LM corpus through the codec at step $CODEC_STEPS ($shards)"
  "$MICHI" data shards --speech "$RUNS/speech-lm" --codec "$codec_at" --tokenizer "$RUNS/text-demo/model" --out "$shards" --threads "$THREADS"
}

stage_head() {
  say "head stage: $HEAD_STEPS steps ($head)"
  "$MICHI" train --stage head --init "$RUNS/text-demo/model" --heads demo --shards "$shards" --codec "$codec_at" --out "$head" \
    --steps "$HEAD_STEPS" --val-text data/text/all/validation.txt --validate-every 200 --checkpoint-every 200 \
    --seed 0 --threads "$THREADS" $(resume_flag "$head")
}

stage_joint() {
  say "joint stage: $JOINT_STEPS steps ($joint)"
  "$MICHI" train --stage joint --init "$head/model" --shards "$shards" --out "$joint" \
    --text data/text/all/train.txt --val-text data/text/all/validation.txt --steps "$JOINT_STEPS" \
    --validate-every 200 --checkpoint-every 200 --seed 0 --threads "$THREADS" $(resume_flag "$joint")
  "$MICHI" eval text-ppl --model "$joint" --baseline "$RUNS/text-demo" --text data/text/all/validation.txt
}

stage_export() {
  say "export: $joint/model (+ the vocoder of $vocoder_dir, if trained) → models/demo (float16)"
  rm -rf "$RUNS/demo-export"
  "$MICHI" model export --model "$joint/model" --out "$RUNS/demo-export" --dtype f16
  if [[ -f "$vocoder_dir/checkpoints/latest.json" ]]; then
    latest=$(sed -n 's/.*"directory": *"\([^"]*\)".*/\1/p' "$vocoder_dir/checkpoints/latest.json")
    rm -rf "$RUNS/vocoder-export" "$RUNS/demo-export/codec"
    mkdir -p "$RUNS/vocoder-export" && cp "$vocoder_dir/checkpoints/$latest"/{config.json,model.safetensors} "$RUNS/vocoder-export/"
    "$MICHI" model export --model "$RUNS/vocoder-export" --out "$RUNS/demo-export/codec" --dtype f16
  fi
  [[ -f models/demo/README.md ]] && cp models/demo/README.md "$RUNS/demo-export/README.md"
  rm -rf models/demo.old && { [[ -d models/demo ]] && mv models/demo models/demo.old || true; }
  mv "$RUNS/demo-export" models/demo && rm -rf models/demo.old
  du -sh models/demo
}

stage_eval() {
  say "evaluation of models/demo (docs/quality.md)"
  rm -rf "$RUNS/demo-eval"
  "$MICHI" eval speech --model models/demo --sentences samples/heldout-sentences.txt --out "$RUNS/demo-eval" \
    --clone-voices "$HELD_OUT_VOICES" --seed 0
}

all=(text-corpus codec-corpus codec text lm-corpus shards head joint vocoder export eval)
stages=("$@"); [[ ${#stages[@]} -gt 0 ]] || stages=("${all[@]}")
for s in "${stages[@]}"; do
  fn="stage_${s//-/_}"
  if ! declare -F "$fn" >/dev/null; then
    echo "train-demo.sh: unknown stage '$s' (stages: ${all[*]})" >&2
    exit 2
  fi
  "$fn"
done
