#!/usr/bin/env bash
# The GPU machine session behind docs/GPU.md and the GPU rows of docs/BENCHMARKS.md (issue 14). Runs from
# the repository root on a machine with no network: the payload (see docs/GPU.md, "An offline GPU machine")
# is unpacked in $PAYLOAD; logs and JSON go to $OUT.
#   bash test/bench/gpu-session.sh unpack | setup | conformance | explain | bench | gpu-graph | bench-gpu-graph | bench-batch | profile
#                                  | bench-d12 | bench-classifiers | eval
# (2026-12-07, third session: unpack, setup, bench-d12, eval: the whole BUS-BRA test fold's evaluation on the GPU.)
# (2026-12-07, little device time left: unpack, setup, gpu-graph.)
set -uo pipefail
# Pieces of the payload, gathered outside the repository (a call's copy of the tree keeps no carried leftovers).
PIECES=${PIECES:-/root/pl}
PAYLOAD=${PAYLOAD:-/root/payload}
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
# PyTorch's wheels on that machine hold CUDA 13's cuBLAS, runtime, cuRAND and cuDNN 9 (doctor lists them).
NV=/opt/torch/.venv/lib/python3.12/site-packages/nvidia
export PATH=$PAYLOAD/bin:$PATH LD_LIBRARY_PATH=$NV/cu13/lib:$NV/cudnn/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export NO_COLOR=1 FORCE_COLOR=0
cli() { node bin/mamba-lens.mjs "$@"; }
unz() { case "$1" in *.gz) gzip -dc "$1" ;; *.xz) xz -dc "$1" ;; esac; }

# Everything unpacked lives outside the tree (each call gets a fresh copy of it); linked in on every call.
# The default model's explainer (14.5 MB, the weights of all its graphs) may travel in the payload (d12/) instead
# of the tree, so that a call carries more payload: it is put back where the tree lacks it.
link() {
  [ -e node_modules ] || ln -s /root/nm/node_modules node_modules
  cp "$PAYLOAD"/tiny/* models/
  for f in "$PAYLOAD"/d12/*.onnx; do [ -e "$f" ] && [ ! -e "models/$(basename "$f")" ] && cp "$f" models/; done
  [ -e ../shared ] || ln -s /work/shared ../shared
  [ -d "$PAYLOAD/grad" ] || return 0
  for f in "$PAYLOAD"/grad/*; do [ -e "models/$(basename "$f")" ] || ln -s "$f" models/; done
}
tsx() { node node_modules/tsx/dist/cli.mjs "$@"; }

case "${1:-}" in
unpack)
  mkdir -p "$PAYLOAD/bin" /root/nm && cat "$PIECES"/* | tar x -C "$PAYLOAD" || exit 1
  unz "$(ls "$PAYLOAD"/node.* | head -1)" > "$PAYLOAD/bin/node" && chmod +x "$PAYLOAD/bin/node"
  unz "$(ls "$PAYLOAD"/nm.tar.* | head -1)" | tar x -C /root/nm || exit 1
  # The graphs travel as one archive (tiny/: the conformance graphs; bench/: batch classifiers), weights once.
  if [ -f "$PAYLOAD/models.tar.xz" ]; then xz -dc "$PAYLOAD/models.tar.xz" | tar x -C "$PAYLOAD" || exit 1; fi
  if [ -f "$PAYLOAD/d12.tar.xz" ]; then xz -T0 -dc "$PAYLOAD/d12.tar.xz" | tar x -C "$PAYLOAD" || exit 1; fi
  # The default model's -grad copy (input-gradient outputs, its GPU graphs; vimlens.gradient_variant) for the evaluation.
  if [ -f "$PAYLOAD/grad.tar.xz" ]; then xz -T0 -dc "$PAYLOAD/grad.tar.xz" | tar x -C "$PAYLOAD" || exit 1; fi
  # BUS-BRA's test fold (images, masks, the CSVs, its licence) where the tools look for it: ../shared/data/busbra.
  if [ -f "$PAYLOAD/busbra.tar" ]; then mkdir -p /work/shared/data/busbra && tar xf "$PAYLOAD/busbra.tar" -C /work/shared/data/busbra || exit 1; fi
  # The tests read ../shared/conformance (and one of them /work/shared): put the golden files at both.
  mkdir -p /work/shared/conformance/vim-official-seed1234 && cp "$PAYLOAD"/golden/* /work/shared/conformance/vim-official-seed1234/
  link
  node --version && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  ;;
setup)
  link
  if [ -f "$PAYLOAD/cuda.tgz" ]; then
    node scripts/setup-gpu.mjs --from "$PAYLOAD/cuda.tgz" 2>&1 | tee "$OUT/setup-gpu.log"
  else
    # The two provider libraries alone, their non-sm_90 GPU code zeroed so that they fit the transfer (docs/GPU.md,
    # "An offline GPU machine"): what setup:gpu would copy, put where it would put them.
    xz -dc "$PAYLOAD/cudalibs.tar.xz" | tar x -C node_modules/onnxruntime-node/bin/napi-v6/linux/x64/ 2>&1 | tee "$OUT/setup-gpu.log"
    ls -la node_modules/onnxruntime-node/bin/napi-v6/linux/x64/ | tee -a "$OUT/setup-gpu.log"
  fi
  cli doctor --model "${DOCTOR_MODEL:-vim-tiny-conformance}" 2>&1 | tee "$OUT/doctor.log"
  cli doctor --model "${DOCTOR_MODEL:-vim-tiny-conformance}" --json > "$OUT/doctor.json"
  ;;
conformance)
  link
  # Every graph of the conformance tests on the CUDA provider alone (test/helpers/run-graph.ts); the engine
  # tests take the fallback chain, whose first provider is CUDA once it loads.
  MAMBA_LENS_TEST_PROVIDER=cuda node node_modules/vitest/vitest.mjs run test/conformance test/main/engine/conformance-tiny.test.ts \
    test/main/engine/conformance-small.test.ts 2>&1 | tee "$OUT/conformance-cuda.log"
  # The GPU-shaped variant (card gpuGraph) through the graph-level conformance tests, in place: it reads its
  # weights from vim-tiny-conformance.onnx beside it, and its card is found by the model name (run-graph.ts)
  # (the engine test above already ran it: the engine picks it on CUDA).
  if [ -f models/vim-tiny-conformance.gpu.onnx ]; then
    MAMBA_LENS_TEST_PROVIDER=cuda MAMBA_LENS_TINY_GRAPH=models/vim-tiny-conformance.gpu.onnx node node_modules/vitest/vitest.mjs run \
      test/conformance/official-maps.test.ts 2>&1 | tee "$OUT/conformance-cuda-gpu-graph.log"
  fi
  ;;
explain)
  link
  # The same inputs through `mamba-lens explain` on each provider; the maps (patchRelevance) are compared.
  # Outputs stay on that machine (overlays hold image pixels); only the comparison comes back.
  rm -rf /tmp/x && mkdir -p /tmp/x
  for p in cuda cpu; do
    cli explain "$PAYLOAD"/img/bus_*.png --provider $p --out /tmp/x/busbra-$p --json > /tmp/x/busbra-$p.stdout || echo "busbra $p exit $?"
    cli explain --input-tensor "$PAYLOAD/img/conformance-image0.npy" --model vim-tiny-conformance --provider $p --out /tmp/x/conf-$p --json \
      > /tmp/x/conf-$p.stdout || echo "conformance $p exit $?"
  done
  # No silent fallback: a provider that cannot load is an error (exit 4), here DirectML on Linux and CUDA without its libraries.
  cli explain "$PAYLOAD"/img/bus_*.png --provider dml --out /tmp/x/dml; echo "dml exit $?"
  LD_LIBRARY_PATH= cli explain "$PAYLOAD"/img/bus_*.png --provider cuda --out /tmp/x/nolibs; echo "cuda without its libraries: exit $?"
  node test/bench/compare-explain.mjs /tmp/x > "$OUT/explain-cuda-vs-cpu.json"; cat "$OUT/explain-cuda-vs-cpu.json"
  ;;
bench)
  link
  tsx() { node node_modules/tsx/dist/cli.mjs "$@"; }
  tsx test/bench/providers-bench.ts --model models/vim-tiny-conformance.json --providers cuda,cpu --runs 30 --out "$OUT" 2>&1 | tee "$OUT/bench.log"
  tsx test/bench/providers-bench.ts --model models/vim-busbra-d12.json --providers cuda,cpu --runs 30 --out "$OUT" 2>&1 | tee -a "$OUT/bench.log"
  # What TF32 (ORT's default) would cost in agreement and buy in time.
  MAMBA_LENS_TF32=1 tsx test/bench/providers-bench.ts --model models/vim-tiny-conformance.json --providers cuda,cpu --runs 10 \
    --out "$OUT/tf32-on" 2>&1 | tee -a "$OUT/bench.log"
  ;;
gpu-graph)
  link
  # The GPU-shaped graph alone, for a short lease: conformance on CUDA (graph level + the engine, which picks it on
  # CUDA), explain --provider cuda (GPU graph) vs --provider cpu (Scan graph) on a conformance image, timings.
  MAMBA_LENS_TEST_PROVIDER=cuda MAMBA_LENS_TINY_GRAPH=models/vim-tiny-conformance.gpu.onnx timeout 150 node node_modules/vitest/vitest.mjs run \
    test/conformance/official-maps.test.ts test/main/engine/conformance-tiny.test.ts 2>&1 | tee "$OUT/conformance-cuda-gpu-graph.log"
  rm -rf /tmp/x && mkdir -p /tmp/x
  for p in cuda cpu; do
    timeout 60 node bin/mamba-lens.mjs explain --input-tensor "$PAYLOAD/img/conformance-image0.npy" --model vim-tiny-conformance --provider $p \
      --out /tmp/x/conf-$p --json > /tmp/x/conf-$p.stdout 2> /tmp/x/conf-$p.stderr || echo "conformance $p exit $?"
  done
  node test/bench/compare-explain.mjs /tmp/x > "$OUT/explain-cuda-vs-cpu.json"; cat "$OUT/explain-cuda-vs-cpu.json"
  timeout 150 node node_modules/tsx/dist/cli.mjs test/bench/providers-bench.ts --model models/vim-tiny-conformance.json --providers cuda --runs 10 \
    --forward-runs 10 --out "$OUT" 2>&1 | tee "$OUT/bench-gpu-graph.log"
  timeout 90 node node_modules/tsx/dist/cli.mjs test/bench/batch-forward.ts \
    --graph models/vim-busbra-d12.gpu-classifier.onnx --provider cuda --batches 1,64,256 --runs 5 2>&1 | tee "$OUT/bench-batch.log"
  ;;
bench-gpu-graph)
  link
  node node_modules/tsx/dist/cli.mjs test/bench/providers-bench.ts --model models/vim-tiny-conformance.json --providers cuda,cpu --runs 10 \
    --forward-runs 15 --out "$OUT" 2>&1 | tee "$OUT/bench-gpu-graph.log"
  ;;
bench-batch)
  link
  # Forward-only throughput of the GPU-shaped batch classifier (card gpuClassifierGraph) on CUDA, the Scan classifier on
  # this machine's CPU. Both read their weights from models/vim-busbra-d12.onnx (link puts it back where the tree lacks it).
  node node_modules/tsx/dist/cli.mjs test/bench/batch-forward.ts --graph models/vim-busbra-d12.gpu-classifier.onnx --provider cuda --batches 1,16,64,128,256 \
    --runs 10 --reference models/vim-busbra-d12.classifier.onnx 2>&1 | tee "$OUT/bench-batch.log"
  node node_modules/tsx/dist/cli.mjs test/bench/batch-forward.ts --graph models/vim-busbra-d12.classifier.onnx --provider cpu --batches 1,16 --runs 5 2>&1 | tee -a "$OUT/bench-batch.log"
  ;;
profile)
  link
  # Where a run's time goes on CUDA (ORT's profiler, per operator type): the Scan graph, the GPU graph, both models.
  P="$OUT/profile"; mkdir -p "$P"
  # *.gpu-hs0: the GPU graph before the maps were batched and the shifts became Gathers (10,256 / 5,176 nodes).
  for gph in ${PROFILE_GRAPHS:-vim-tiny-conformance.gpu vim-tiny-conformance.gpu-hs0 vim-busbra-d12.gpu vim-busbra-d12.gpu-hs0 vim-busbra-d12.forward}; do
    card=models/${gph%%.*}.json
    timeout 120 node node_modules/tsx/dist/cli.mjs test/bench/graph-profile.ts --graph models/$gph.onnx --card $card --provider cuda --runs 5 --out "$P" 2>&1 | tail -1 | tee -a "$OUT/profile.log"
  done
  timeout 60 node node_modules/tsx/dist/cli.mjs test/bench/graph-profile.ts --graph models/vim-tiny-conformance.gpu.onnx --card models/vim-tiny-conformance.json --provider cpu --runs 3 --out "$P" 2>&1 | tail -1 | tee -a "$OUT/profile.log"
  ;;
bench-d12)
  link
  # Issue 14 on the default model: the GPU batch classifier's forward throughput (its Scan build on this machine's
  # CPU for comparison), a BUS-BRA image through explain --provider cuda (GPU graph) vs cpu, the engine bundle.
  m=models/vim-busbra-d12
  # Can CUDA graphs be had through session config entries (ep.cuda.enable_cuda_graph)? And do replays see new inputs?
  for gr in $m.gpu.onnx $m.gpu-classifier.onnx; do
    timeout 90 node node_modules/tsx/dist/cli.mjs test/bench/cuda-graph-probe.ts --graph $gr --card $m.json --runs 20 --out "$OUT" \
      > /tmp/probe.log 2>&1; echo "probe exit $?"; grep -i -E "cuda graph|captur|replay|graph_capture|enable_cuda_graph" /tmp/probe.log | sort | uniq -c | head -20
    tail -1 /tmp/probe.log
  done 2>&1 | tee "$OUT/cuda-graph-probe.log"
  timeout 120 node node_modules/tsx/dist/cli.mjs test/bench/batch-forward.ts --graph $m.gpu-classifier.onnx --provider cuda --batches 1,16,64,128,256 \
    --runs 10 --reference $m.classifier.onnx 2>&1 | tee "$OUT/bench-batch.log"
  timeout 60 node node_modules/tsx/dist/cli.mjs test/bench/batch-forward.ts --graph $m.classifier.onnx --provider cpu --batches 1,16 --runs 5 2>&1 | tee -a "$OUT/bench-batch.log"
  rm -rf /tmp/x && mkdir -p /tmp/x
  img=$(ls /work/shared/data/busbra/Images/*.png | head -1)
  for p in cuda cpu; do
    timeout 60 node bin/mamba-lens.mjs explain "$img" --provider $p --out /tmp/x/busbra-$p --json > /tmp/x/busbra-$p.stdout 2> /tmp/x/busbra-$p.stderr || echo "busbra $p exit $?"
  done
  node test/bench/compare-explain.mjs /tmp/x > "$OUT/explain-cuda-vs-cpu.json"; cat "$OUT/explain-cuda-vs-cpu.json"
  timeout 150 node node_modules/tsx/dist/cli.mjs test/bench/providers-bench.ts --model $m.json --providers cuda --runs 10 --forward-runs 10 \
    --out "$OUT" 2>&1 | tee "$OUT/bench-d12.log"
  ;;
bench-classifiers)
  link
  # Issue 14: the batch classifiers' forward throughput on CUDA up to batch 2048 — the Scan classifier (what the eval
  # runs on a GPU from SCAN_CLASSIFIER_GPU_MIN_BATCH images per run on, main/adapters/models/card.ts) and the log-depth
  # GPU classifier (card gpuClassifierGraph: small batches) — with the GPU memory in use sampled by nvidia-smi every
  # 100 ms while each runs (peak, MiB, whole device). The log-depth one keeps ≈ 10 MB of decays per image and layer
  # alive at once: it stops at HS_BATCHES. (2026-12-07, fifth session, with the chunked builds of commit 511f22d.)
  m=models/vim-busbra-d12
  for gr in $m.classifier.onnx $m.gpu-classifier.onnx; do
    name=$(basename "$gr" .onnx); b=${BATCHES:-1,16,32,64,128,256,512,1024,2048}
    case $name in *gpu-classifier) b=${HS_BATCHES:-1,16,64,256,512} ;; esac
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > /tmp/mem-$name.log & smi=$!
    timeout "${GRAPH_SECONDS:-150}" node node_modules/tsx/dist/cli.mjs test/bench/batch-forward.ts --graph "$gr" --provider cuda --batches "$b" \
      --runs "${RUNS:-5}" --reference $m.classifier.onnx --out "$OUT/batch-$name.json" 2>&1 | grep -v "^\s*at " | tail -12 | tee -a "$OUT/bench-classifiers.log"
    kill $smi; echo "$name: peak GPU memory in use $(sort -n /tmp/mem-$name.log | tail -1) MiB" | tee -a "$OUT/bench-classifiers.log"
  done
  ;;
eval)
  link
  # mamba-lens eval of the default model's -grad copy over the whole BUS-BRA test fold, every method, perturbation and
  # randomisation on every image, on CUDA with the card's GPU graphs; EVAL_SHARDS processes share the GPU (its time per
  # run is mostly host time per node). Resumable: a second call goes on where the first stopped (EVAL_SECONDS each).
  W=/root/evalwork; K=${EVAL_SHARDS:-8}; mkdir -p $W/run
  # Records a CPU run here already finished (same graphs' maths; their records say cpu), so the GPU does the rest.
  # (They travel in the payload as cpu-records.tar.xz: `tar cJf cpu-records.tar.xz -C .work/eval-busbra images maps sanity setup.json`.)
  for r in "$PAYLOAD/cpu-records.tar.xz" /root/cpu-records.tar.xz; do
    [ -f "$r" ] && [ ! -f $W/run/setup.json ] && tar xJf "$r" -C $W/run
  done
  [ -f $W/cascade/cascade.json ] || node node_modules/tsx/dist/cli.mjs scripts/randomise-cascade.ts models/vim-busbra-d12-grad.onnx --out $W/cascade \
    --depth 12 --seed 0 --steps 'head,block 11,block 8,block 5,block 2,embedding' || exit 1
  n=$(awk -F, 'NR > 1 && $3 == 1' /work/shared/data/busbra/5-fold-cv.csv | wc -l)
  for i in $(seq 0 $((K - 1))); do
    timeout "${EVAL_SECONDS:-420}" node bin/mamba-lens.mjs eval --models-dir models --model vim-busbra-d12-grad --data ../shared/data/busbra \
      --out $W/run --perturbation-n $n --multi-run-n $n --sanity-cascade $W/cascade --sanity-n $n --resume --provider cuda --shard $i/$K \
      > "$OUT/eval-shard-$i.log" 2>&1 &
  done
  wait
  ls $W/run/images | wc -l; ls $W/run/sanity | wc -l; tail -2 "$OUT"/eval-shard-*.log
  tar cJf "$OUT/eval-records.tar.xz" -C $W/run images maps sanity setup.json && ls -la "$OUT"
  ;;
*) echo "usage: $0 unpack|setup|conformance|explain|bench|gpu-graph|bench-gpu-graph|bench-batch|profile|bench-d12|bench-classifiers|eval" >&2; exit 2 ;;
esac
