#!/usr/bin/env bash
# Regenerates the demo's shipped model, demo/public/models/cnn.simdnet, with the project's own CLI:
# chapter 6's network (two conv5x5-pool2 stages of 20 and 40 ReLU maps, FC 100 ReLU, softmax 10;
# 85,670 parameters, 343 KB) trained on the full MNIST expanded ×5 by one-pixel shifts, with the
# book's η = 0.03, λ = 0.1, m = 10. About 15-25 minutes on two cores; the demo never trains it in CI.
#
# Usage: bash scripts/demo-model.sh [MNIST_DIR (default ../shared/data/mnist)] [EPOCHS (default 5)]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/mnist}"
epochs="${2:-5}"
out=demo/public/models/cnn.simdnet
mkdir -p tmp "$(dirname "$out")"
npm run asbuild >/dev/null
nice -n 10 node --import tsx src/cli/main.ts train \
  --arch conv5x5x20:relu-pool2-conv5x5x40:relu-pool2-fc100:relu-softmax10 --cost log-likelihood \
  --eta 0.03 --lambda 0.1 --batch 10 --epochs "$epochs" --seed 1 \
  --data "$data" --expand --save tmp/cnn.simdnet --checkpoint tmp/cnn.simdnet.ckpt -q
mv tmp/cnn.simdnet "$out"
ls -l "$out"
