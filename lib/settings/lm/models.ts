// The base models: one GRU per size (the analog of the paper's Gemma-2 2B / 9B / 27B), pretrained
// once by scripts/pretrain-lm.ts on the State of the Union corpus and shipped in data/lm/.
import * as path from 'path';
import { choice, parseParam } from '../../core/params';
import { cloneParams, type GruParams } from './gru';
import { lmDataDir } from './paths';
import { defaultTokenizer } from './tokenizer';
import { loadWeights, type WeightsManifest } from './weights';

export const MODEL_SIZES = ['small', 'medium', 'large'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];

/**
 * GRU width of each size. Parameters (vocabulary 98): small 38k, medium 100k, large 434k (11.5× small).
 * The large model trains at about a tenth of the small one's characters per second.
 */
export const HIDDEN_UNITS: Record<ModelSize, number> = { small: 64, medium: 128, large: 320 };

export function parseModelSize(value: unknown): ModelSize {
  return parseParam('model', choice(MODEL_SIZES, { default: 'small', help: 'base model size' }), value) as ModelSize;
}

export function baseWeightsPath(size: ModelSize): string {
  return path.join(lmDataDir(), `base-${size}`);
}

const loaded = new Map<string, { params: GruParams; manifest: WeightsManifest }>();

/** A fresh copy of the base model's weights (the shipped ones are read once per process). */
export function loadBaseModel(size: ModelSize): { params: GruParams; manifest: WeightsManifest } {
  const file = baseWeightsPath(size);
  let entry = loaded.get(file);
  if (!entry) {
    entry = loadWeights(file, defaultTokenizer().chars);
    if (entry.params.hidden !== HIDDEN_UNITS[size]) throw new Error(`${file}.json: hidden ${entry.params.hidden}, expected ${HIDDEN_UNITS[size]} for '${size}'`);
    loaded.set(file, entry);
  }
  return { params: cloneParams(entry.params), manifest: entry.manifest };
}
