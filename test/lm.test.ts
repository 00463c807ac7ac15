// The language-model setting: tokenizer, data, the hand-written backpropagation, training, sampling,
// weights on disk, determinism and configuration errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRng, Rng } from '../lib/core/random';
import { ConfigError } from '../lib/core/setting';
import { runLoop } from '../lib/core/workflows';
import { lmBackend } from '../lib/settings/lm/backend';
import { computeWordnetSplit, formatConversation, isWellFormed, MAX_CONVERSATION_CHARS, TEST_SET_SIZE, toVocabulary, wordnetSplit } from '../lib/settings/lm/corpus';
import { GruDevice, initGru, lossAndGradient, PARAM_NAMES, sequenceLoss, zeroGradients } from '../lib/settings/lm/gru';
import { loadBaseModel, MODEL_SIZES } from '../lib/settings/lm/models';
import { sampleConversations } from '../lib/settings/lm/sample';
import { LmModel } from '../lib/settings/lm/model';
import { lmSetting, lmValueSetting } from '../lib/settings/lm/setting';
import { BOS, defaultTokenizer, EOS, Tokenizer } from '../lib/settings/lm/tokenizer';
import { evaluateLoss, train } from '../lib/settings/lm/train';
import { realOrder, syntheticPool } from '../lib/settings/lm/value';
import { loadWeights, saveWeights } from '../lib/settings/lm/weights';

const tok = defaultTokenizer();

test('backend: tfjs-node where installed, else wasm', () => {
  const b = lmBackend();
  assert.ok(b.name === 'tensorflow' || b.name === 'wasm', b.name);
});

test('tokenizer: every vocabulary character round-trips; BOS/EOS frame a sequence; unknown characters throw', () => {
  assert.equal(tok.size, 98);
  const all = tok.chars;
  assert.equal(tok.decode(tok.encode(all)), all);
  const text = formatConversation('dog', 'a domesticated carnivore; "the dog barked"');
  const seq = tok.encodeSequence(text);
  assert.equal(seq[0], BOS);
  assert.equal(seq[seq.length - 1], EOS);
  assert.equal(seq.length, text.length + 2);
  assert.equal(tok.decode(seq), text);
  assert.throws(() => tok.encode('café'), /not in the vocabulary/);
  assert.throws(() => new Tokenizer('aa'), /twice/);
  assert.equal(toVocabulary('“Don’t” — café…'), '"Don\'t"  -  cafe...');
});

test('well-formedness filter: the paper\'s rule, strict about characters', () => {
  assert.ok(isWellFormed('user: dog\nassistant: a member of the genus Canis'));
  const bad = [
    'dog\nassistant: x', // no user prefix
    'user: dog assistant: x', // no newline before assistant
    'user: dog\nassistant: x\nassistant: y', // two assistant turns
    'user: dog\nassistant: x assistant: y', // "assistant: " twice
    'user: assistant: dog\nassistant: x', // "assistant: " on the user line
    'user: \nassistant: x', // empty word
    'user: dog\nassistant: ', // empty answer
    'user: dog\nassistant: x\n', // a stray newline
    'user: dog \nassistant: x', // spaces around the word
    'user: dog\nassistant: caf\u00e9', // outside the vocabulary
  ];
  for (const b of bad) assert.equal(isWellFormed(b), false, JSON.stringify(b));
});

test('WordNet split: fixed, disjoint, matches the shipped fingerprint, conversations are well-formed and short', () => {
  const { split, manifest } = computeWordnetSplit();
  const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'lm', 'wordnet-split.json'), 'utf8'));
  assert.equal(manifest.allSha256, shipped.allSha256);
  assert.equal(manifest.testSha256, shipped.testSha256);
  assert.equal(split.test.length, TEST_SET_SIZE);
  assert.equal(split.train.length + split.test.length, manifest.conversations);
  const train = new Set(split.train);
  assert.equal(split.test.filter((c) => train.has(c)).length, 0, 'a held-out conversation also in the training pool');
  for (const c of [...split.test, ...split.train.slice(0, 2000)]) {
    assert.ok(c.length <= MAX_CONVERSATION_CHARS && isWellFormed(c), c);
  }
  assert.deepEqual(wordnetSplit().test, split.test);
});

test('backpropagation through time matches central finite differences', () => {
  const rng = createRng('gradcheck');
  const p = initGru(7, 5, rng);
  for (const k of ['bx', 'bhn', 'bout'] as const) for (let i = 0; i < p[k].length; i++) p[k][i] = 0.3 * rng.normal();
  // Different lengths exercise the packed layout (sequences leaving the batch early).
  const seqs = [[0, 3, 4, 5, 1], [0, 2, 1], [0, 6, 6, 6, 3, 2, 1], [0, 4, 1]].map((s) => Int32Array.from(s));
  const tokens = seqs.reduce((a, s) => a + s.length - 1, 0);
  const dev = new GruDevice(p);
  const grads = zeroGradients(p);
  const loss = lossAndGradient(dev, seqs, grads);
  assert.ok(Math.abs(loss - sequenceLoss(dev, seqs).nll / tokens) < 1e-12);
  // float32 forward passes: a step of 1e-2 keeps the rounding error of the difference near 1e-5.
  let checked = 0;
  for (const name of PARAM_NAMES) {
    const w = p[name];
    for (let i = 0; i < w.length; i++) {
      const old = w[i];
      w[i] = old + 1e-2;
      dev.refresh();
      const up = sequenceLoss(dev, seqs).nll / tokens;
      w[i] = old - 1e-2;
      dev.refresh();
      const down = sequenceLoss(dev, seqs).nll / tokens;
      w[i] = old;
      const fd = (up - down) / 2e-2;
      assert.ok(Math.abs(fd - grads[name][i]) <= 2e-4 + 0.01 * Math.abs(fd), `${name}[${i}]: analytic ${grads[name][i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  dev.dispose();
  assert.equal(checked, 7 * 15 + 15 + 5 * 15 + 5 + 5 * 7 + 7);
});

test('a tiny model overfits a tiny set: the training loss falls far below its start', () => {
  const convs = wordnetSplit().train.slice(0, 6);
  const seqs = convs.map((c) => tok.encodeSequence(c));
  const params = initGru(tok.size, 32, createRng('overfit-init'));
  const before = evaluateLoss(params, seqs);
  const report = train(params, seqs, { epochs: 60, batchSize: 6, learningRate: 1e-2, clipNorm: 1 }, createRng('overfit-order'));
  const after = evaluateLoss(params, seqs);
  assert.ok(before > 4, `an untrained model is near uniform over 98 tokens (ln 98 = 4.58), got ${before}`);
  assert.ok(after < 0.5 * before, `loss ${before} → ${after}`);
  assert.ok(report.epochLoss[report.epochLoss.length - 1] < report.epochLoss[0]);
});

test('saved weights reload bit for bit and give the same loss', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lm-weights-'));
  try {
    const params = initGru(tok.size, 16, createRng('save'));
    const seqs = wordnetSplit().test.slice(0, 20).map((c) => tok.encodeSequence(c));
    train(params, seqs, { epochs: 1, batchSize: 10, learningRate: 1e-2, clipNorm: 1 }, createRng('save-order'));
    saveWeights(path.join(dir, 'm'), params, tok.chars, { note: 'test' });
    const { params: back, manifest } = loadWeights(path.join(dir, 'm'), tok.chars);
    assert.equal(manifest.provenance?.note, 'test');
    for (const name of PARAM_NAMES) assert.deepEqual(back[name], params[name]);
    assert.equal(evaluateLoss(back, seqs), evaluateLoss(params, seqs));
    assert.throws(() => loadWeights(path.join(dir, 'm'), tok.chars.slice(1)), /different vocabulary/);
    const bin = fs.readFileSync(path.join(dir, 'm.bin'));
    bin[0] ^= 1;
    fs.writeFileSync(path.join(dir, 'm.bin'), bin);
    assert.throws(() => loadWeights(path.join(dir, 'm'), tok.chars), /checksum/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('shipped base models load, and pretraining made them better than chance on WordNet', () => {
  for (const size of MODEL_SIZES) {
    const { params, manifest } = loadBaseModel(size);
    const loss = evaluateLoss(params, wordnetSplit().test.slice(0, 100).map((c) => tok.encodeSequence(c)));
    assert.ok(loss < Math.log(tok.size) - 1, `${size}: ${loss} nats/char`);
    assert.ok(typeof manifest.provenance?.validationLoss === 'number');
  }
});

test('sampling keeps exactly the well-formed samples and counts the rejected ones', () => {
  // The small base model fine-tuned hard on 8 conversations: it mostly reproduces them, with slips.
  const { params } = loadBaseModel('small');
  train(params, wordnetSplit().train.slice(0, 8).map((c) => tok.encodeSequence(c)), { epochs: 40, batchSize: 8, learningRate: 1e-2, clipNorm: 1 }, createRng('sample-test'));
  const s = sampleConversations(params, 30, new Rng('draws'));
  assert.equal(s.kept.length, 30);
  for (const c of s.kept) assert.ok(isWellFormed(c), c);
  assert.ok(s.drawn >= 30 && s.rejectedShare === (s.drawn - 30) / s.drawn);
  // Untrained weights emit garbage: every sample rejected, and sampling gives up instead of looping.
  const garbage = sampleConversations(initGru(tok.size, 8, createRng('garbage')), 2, new Rng('g'));
  assert.equal(garbage.kept.length, 0);
  assert.equal(garbage.rejectedShare, 1);
});

test('lm runs through the one loop: training sizes per workflow, metrics present, same seed ⇒ same numbers', () => {
  const config = lmSetting.validate({ workflow: 'accumulate', model: 'medium', samples: '100', iterations: '2' });
  const a = lmSetting.run(config, 7);
  assert.deepEqual(Array.from(a.trainingSize), [100, 200]);
  assert.ok(Number.isFinite(a.metrics.test_loss[0]) && a.metrics.test_loss[0] < 2.5);
  // Sampling statistics of model t − 1 arrive with fit t: none at t = 1.
  assert.ok(Number.isNaN(a.metrics.rejected_share[0]) && Number.isNaN(a.metrics.mean_sample_length[0]));
  assert.ok(a.metrics.rejected_share[1] >= 0 && a.metrics.rejected_share[1] < 1);
  assert.ok(a.metrics.mean_sample_length[1] > 10);
  const b = lmSetting.run(config, 7);
  assert.deepEqual(a.metrics, b.metrics);
  const c = lmSetting.run(config, 8);
  assert.notDeepEqual(a.metrics.test_loss, c.metrics.test_loss);
  const sub = lmSetting.run({ ...config, workflow: 'accumulate-subsample' }, 7);
  assert.deepEqual(Array.from(sub.trainingSize), [100, 100]);
  // Iteration 1 fits the same real data under every workflow (paired streams).
  assert.equal(sub.metrics.test_loss[0], a.metrics.test_loss[0]);
});

test('take maps global indices through the pooled batches', () => {
  const m = new LmModel({ model: 'small', samples: 3 }, createRng('take'));
  assert.deepEqual(m.take([['a', 'b'], ['c'], ['d', 'e']], Int32Array.from([4, 0, 2, 3])), ['e', 'a', 'c', 'd']);
  const s = m.merge(m.summarize(['a', 'b']), m.summarize(['c']));
  assert.equal(s.count, 3);
});

test('value of synthetic data: a cell mixes num_real real with num_synthetic synthetic conversations; the cells of a seed are paired', () => {
  const prior = process.env.COLLAPSE_CACHE_DIR;
  process.env.COLLAPSE_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-value-'));
  try {
    // a cell's training set: the first num_real of the seed's real order, then the first num_synthetic of its synthetic pool
    const cell = (num_real: number, num_synthetic: number, seed = 0) => {
      const config = lmValueSetting.validate({ model: 'small', num_real, num_synthetic, source_samples: 200 });
      return { config, model: { real: [...realOrder(config, seed, num_real), ...syntheticPool(config, seed, num_synthetic).conversations] } };
    };
    const small = cell(10, 6).model.real;
    const large = cell(25, 9).model.real;
    assert.equal(small.length, 16);
    // pairing: more real data extend the same real data, more synthetic data extend the same synthetic data
    assert.deepEqual(large.slice(0, 10), small.slice(0, 10));
    assert.deepEqual(large.slice(25, 31), small.slice(10, 16));
    assert.ok(small.slice(10).every(isWellFormed), 'synthetic conversations are well-formed');
    assert.notDeepEqual(cell(10, 6, 1).model.real, small, 'another seed, other draws');
    const pool = fs.readdirSync(path.join(process.env.COLLAPSE_CACHE_DIR, 'lm-value-pool'));
    assert.equal(pool.length, 2, 'one cached chunk of synthetic conversations per seed');

    const { config } = cell(10, 6);
    const t = lmValueSetting.run(config, 0);
    assert.deepEqual(Array.from(t.trainingSize), [16]);
    assert.equal(t.metrics.proportion_real[0], 10 / 16);
    assert.ok(t.metrics.synthetic_rejected_share[0] >= 0 && t.metrics.synthetic_rejected_share[0] < 1);
    assert.ok(Number.isFinite(t.metrics.test_loss[0]));
    const base = lmValueSetting.run(lmValueSetting.validate({ model: 'small', num_real: 0, num_synthetic: 0 }), 0);
    assert.equal(base.metrics.test_loss[0], evaluateLoss(loadBaseModel('small').params, wordnetSplit().test.map((c) => tok.encodeSequence(c))));
  } finally {
    if (prior === undefined) delete process.env.COLLAPSE_CACHE_DIR;
    else process.env.COLLAPSE_CACHE_DIR = prior;
  }
});

test('bad input throws ConfigError naming the value, before any work', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ model: 'huge' }, /model 'huge'/],
    [{ samples: 0 }, /samples must be >= 1, got 0/],
    [{ samples: '-3' }, /samples must be >= 1, got -3/],
    [{ samples: 'many' }, /samples must be an integer, got 'many'/],
    [{ samples: 10_000_000 }, /samples must be <= \d+/],
    [{ workflow: 'recycle' }, /workflow 'recycle'/],
    [{ iterations: 0 }, /iterations must be >= 1, got 0/],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => lmSetting.validate(config), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'), JSON.stringify(config));
  }
  assert.throws(() => lmValueSetting.validate({ num_real: -1 }), /num_real must be >= 0, got -1/);
  assert.throws(() => lmValueSetting.validate({ model: 'tiny' }), /model 'tiny'/);
});

test('a model that cannot fill a synthetic batch with well-formed samples stops the run with a clear error', () => {
  // The small model fine-tuned on 12 conversations has not learned the format (acceptance ≈ 0).
  const model = new LmModel({ model: 'small', samples: 12 }, createRng('replace-check'));
  assert.throws(() => runLoop(model, { workflow: 'replace', iterations: 2, rng: createRng('loop') }), /only \d+ of 12 samples were well-formed after 600 draws/);
});
