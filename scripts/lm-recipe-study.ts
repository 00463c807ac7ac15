// Why does the larger language model degrade faster under Replace? A measured study of the fine-tuning
// recipe against model size: for each size and recipe, one Replace chain (seeded), and at each iteration
// the held-out test loss, the loss on the model's own training set (the gap measures memorisation), and
// what its samples look like (rejected share, distinct character 4-grams, share copying a training
// conversation). Prints a table; the numbers are quoted in the language-model notebooks' notes.
//
//   npx tsx scripts/lm-recipe-study.ts [--sizes small,medium,large] [--samples 500] [--iterations 4] [--recipes old,brief]
import { Rng } from '../lib/core/random';
import { wordnetSplit } from '../lib/settings/lm/corpus';
import { distinctNgrams } from '../lib/settings/lm/model';
import { loadBaseModel, parseModelSize } from '../lib/settings/lm/models';
import { sampleWellFormed } from '../lib/settings/lm/sample';
import { defaultTokenizer } from '../lib/settings/lm/tokenizer';
import { evaluateLoss, FINE_TUNE, train, type TrainOptions } from '../lib/settings/lm/train';

const RECIPES: Record<string, TrainOptions> = {
  old: FINE_TUNE, // 4 epochs, batch 16, Adam 1e-2
  // the paper's kind: one epoch, constant learning rate after a 5 % warm-up (batch 8: enough steps to learn the format)
  brief: { epochs: 1, batchSize: 8, learningRate: 1e-2, clipNorm: 1, warmup: 0.05 },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const sizes = arg('sizes', 'small,medium').split(',').map(parseModelSize);
const R = Number(arg('samples', '500'));
const T = Number(arg('iterations', '4'));
const recipes = arg('recipes', 'old,brief').split(',');
const tok = defaultTokenizer();
const split = wordnetSplit();
const test = split.test.map((c) => tok.encodeSequence(c));
const rng = new Rng('lm-recipe-study');
const real = Array.from(rng.derive('real').choice(split.train.length, R), (i) => split.train[i]);

console.log(`R = ${R} real conversations, Replace, T = ${T}, one seed; losses in nats/char`);
console.log('size    recipe  t  test    train   gap    rejected  4grams  copies  seconds');
for (const size of sizes) {
  const base = loadBaseModel(size);
  console.log(`${size.padEnd(7)} base    0  ${evaluateLoss(base.params, test).toFixed(3)}   (${base.manifest.parameters} parameters)`);
  for (const name of recipes) {
    const recipe = RECIPES[name];
    if (!recipe) throw new Error(`unknown recipe ${name} (expected ${Object.keys(RECIPES).join(', ')})`);
    let data: string[] = real;
    for (let t = 1; t <= T; t++) {
      const started = Date.now();
      const { params } = loadBaseModel(size);
      const sequences = data.map((c) => tok.encodeSequence(c));
      train(params, sequences, recipe, rng.derive(`${size}/${name}/fit${t}`));
      const testLoss = evaluateLoss(params, test);
      const trainLoss = evaluateLoss(params, sequences);
      let line = `${size.padEnd(7)} ${name.padEnd(7)} ${t}  ${testLoss.toFixed(3)}   ${trainLoss.toFixed(3)}   ${(testLoss - trainLoss).toFixed(3)}`;
      try {
        const s = sampleWellFormed(params, R, rng.derive(`${size}/${name}/sample${t}`));
        const training = new Set(data);
        const copies = s.kept.filter((c) => training.has(c)).length / s.kept.length;
        line += `  ${(100 * s.rejectedShare).toFixed(0).padStart(5)} %   ${distinctNgrams(s.kept).toFixed(3)}   ${(100 * copies).toFixed(1).padStart(4)} %`;
        data = s.kept;
      } catch (err) {
        line += `  sampling failed: ${(err as Error).message.split(':')[0]}`;
        t = T; // the chain cannot go on
      }
      console.log(`${line}  ${((Date.now() - started) / 1000).toFixed(0)}`);
    }
  }
}
