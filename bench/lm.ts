// Benchmark of the language model's training step: characters trained per second by this project's
// step (hand-written backpropagation through time; only the matrix products on the tfjs backend,
// sequences packed by length) against tfjs's built-in layers (one-hot input → dense → GRU → dense
// softmax, model.trainOnBatch, padded batches) on the same backend, same data and batch size.
// The two are the same kind of model, not the same function: the layers GRU is tfjs's standard
// (reset-before) cell with a 32-wide input projection, as a researcher would write it.
// Run: npx tsx bench/lm.ts [--batches N]
import { createRng } from '../lib/core/random';
import { lmBackend, tfjs } from '../lib/settings/lm/backend';
import { wordnetSplit } from '../lib/settings/lm/corpus';
import { initGru, parameterCount } from '../lib/settings/lm/gru';
import { HIDDEN_UNITS, MODEL_SIZES } from '../lib/settings/lm/models';
import { defaultTokenizer } from '../lib/settings/lm/tokenizer';
import { Trainer } from '../lib/settings/lm/train';

const BATCH = 16;
const argBatches = process.argv.indexOf('--batches');
const BATCHES = argBatches >= 0 ? Number(process.argv[argBatches + 1]) : 12;

const tok = defaultTokenizer();
const conversations = wordnetSplit().train.slice(0, BATCH * (BATCHES + 1));
const sequences = conversations.map((c) => tok.encodeSequence(c));
const batches = Array.from({ length: BATCHES + 1 }, (_, b) => sequences.slice(b * BATCH, (b + 1) * BATCH));
const charsIn = (batch: Int32Array[]) => batch.reduce((a, s) => a + s.length - 1, 0);

/** Characters per second of `step` over the batches, after one warm-up batch (each step awaited to its end). */
async function timeSteps(step: (batch: Int32Array[]) => unknown): Promise<number> {
  await step(batches[0]);
  let chars = 0;
  const t0 = performance.now();
  for (let b = 1; b <= BATCHES; b++) {
    await step(batches[b]);
    chars += charsIn(batches[b]);
  }
  return chars / ((performance.now() - t0) / 1000);
}

async function ours(hidden: number): Promise<number> {
  const trainer = new Trainer(initGru(tok.size, hidden, createRng('bench')), { learningRate: 3e-3, clipNorm: 1 });
  const rate = await timeSteps((batch) => trainer.step(batch));
  trainer.dispose();
  return rate;
}

async function layers(hidden: number): Promise<{ rate: number; params: number }> {
  const tf = tfjs();
  const V = tok.size;
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, inputShape: [null, V] as unknown as number[], useBias: false }));
  model.add(tf.layers.gru({ units: hidden, returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: V, activation: 'softmax' }) }));
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy' });
  const step = async (batch: Int32Array[]) => {
    const T = Math.max(...batch.map((s) => s.length - 1));
    const x = new Float32Array(batch.length * T * V);
    const y = new Float32Array(batch.length * T * V);
    batch.forEach((s, i) => {
      for (let t = 0; t < s.length - 1; t++) {
        x[(i * T + t) * V + s[t]] = 1;
        y[(i * T + t) * V + s[t + 1]] = 1;
      }
    });
    const xs = tf.tensor3d(x, [batch.length, T, V]);
    const ys = tf.tensor3d(y, [batch.length, T, V]);
    // trainOnBatch resolves once the step's loss is read back, so awaiting it times the whole step;
    // padded positions are trained too.
    await model.trainOnBatch(xs, ys);
    xs.dispose();
    ys.dispose();
  };
  const params = model.countParams();
  const rate = await timeSteps(step);
  model.dispose();
  return { rate, params };
}

async function main(): Promise<void> {
  console.log(`backend: ${lmBackend().detail}; batch ${BATCH}, ${BATCHES} timed batches of WordNet conversations (characters counted without padding)`);
  for (const size of MODEL_SIZES) {
    const hidden = HIDDEN_UNITS[size];
    const a = await ours(hidden);
    const b = await layers(hidden);
    console.log(
      `${size.padEnd(6)} (GRU ${hidden}): this step ${a.toFixed(0)} chars/s (${parameterCount({ vocab: tok.size, hidden })} params) | tfjs layers ${b.rate.toFixed(0)} chars/s (${b.params} params) | ratio ${(a / b.rate).toFixed(1)}×`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
