// Saving and loading the model's weights: a small binary file (float32, little-endian, the parameter
// arrays one after another) and a JSON file describing it. tfjs's model.save('file://') needs
// tfjs-node, which does not install everywhere; this format needs nothing.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { writeFileAtomic } from '../../core/project';
import { PARAM_NAMES, parameterCount, type GruParams } from './gru';

export const WEIGHTS_FORMAT = 'collapse-or-thrive/char-gru-lm@1';

export interface WeightsManifest {
  format: string;
  /** The vocabulary's characters (ids 2…), so weights never load against a different tokenizer. */
  vocabChars: string;
  vocab: number;
  hidden: number;
  parameters: number;
  /** Name, element offset and length of each parameter array in the binary file. */
  tensors: { name: string; offset: number; length: number }[];
  sha256: string;
  /** Free-form provenance: how the weights were made (pretraining recipe, losses, time). */
  provenance?: Record<string, unknown>;
}

/** Write `<base>.bin` and `<base>.json` (each atomically). */
export function saveWeights(base: string, params: GruParams, vocabChars: string, provenance?: Record<string, unknown>): WeightsManifest {
  const total = parameterCount(params);
  const flat = new Float32Array(total);
  const tensors: WeightsManifest['tensors'] = [];
  let offset = 0;
  for (const name of PARAM_NAMES) {
    flat.set(params[name], offset);
    tensors.push({ name, offset, length: params[name].length });
    offset += params[name].length;
  }
  const bytes = littleEndianBytes(flat);
  const manifest: WeightsManifest = {
    format: WEIGHTS_FORMAT,
    vocabChars,
    vocab: params.vocab,
    hidden: params.hidden,
    parameters: total,
    tensors,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    provenance,
  };
  writeFileAtomic(`${base}.bin`, bytes);
  writeFileAtomic(`${base}.json`, JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

/** Read weights written by saveWeights; checks format, checksum and the vocabulary. */
export function loadWeights(base: string, vocabChars: string): { params: GruParams; manifest: WeightsManifest } {
  if (!fs.existsSync(`${base}.json`)) throw new Error(`no weights at ${base}.json (run scripts/pretrain-lm.ts)`);
  const manifest = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as WeightsManifest;
  if (manifest.format !== WEIGHTS_FORMAT) throw new Error(`${base}.json: unknown format '${manifest.format}'`);
  if (manifest.vocabChars !== vocabChars) throw new Error(`${base}.json: weights were trained with a different vocabulary`);
  const bytes = fs.readFileSync(`${base}.bin`);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.sha256) throw new Error(`${base}.bin: checksum mismatch (file damaged or replaced)`);
  const flat = fromLittleEndianBytes(bytes);
  if (flat.length !== manifest.parameters) throw new Error(`${base}.bin: ${flat.length} values, manifest says ${manifest.parameters}`);
  const get = (name: string) => {
    const t = manifest.tensors.find((x) => x.name === name);
    if (!t) throw new Error(`${base}.json: no tensor '${name}'`);
    return flat.slice(t.offset, t.offset + t.length);
  };
  const params: GruParams = { vocab: manifest.vocab, hidden: manifest.hidden, win: get('win'), bx: get('bx'), u: get('u'), bhn: get('bhn'), wout: get('wout'), bout: get('bout') };
  if (parameterCount(params) !== manifest.parameters) throw new Error(`${base}.json: shapes do not match hidden=${manifest.hidden}, vocab=${manifest.vocab}`);
  return { params, manifest };
}

function littleEndianBytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i], true);
  return out;
}

function fromLittleEndianBytes(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new Error('weights file length is not a multiple of 4 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
