// A character-level causal language model: one-hot token → GRU → dense layer over the vocabulary.
//
//   gx_t = W_in[token_t] + b_x                        (one-hot × matrix = a row lookup; 3H: z, r, n parts)
//   gh_t = h_{t−1} · U                                (the one product per step, on the tfjs backend)
//   z = σ(gx_z + gh_z),  r = σ(gx_r + gh_r)
//   n = tanh(gx_n + r ⊙ (gh_n + b_hn))                (the "reset-after" GRU of cuDNN and Keras)
//   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
//   p(token_{t+1}) = softmax(h_t · W_out + b_out)
//
// Training is backpropagation through time written out by hand (the gradients are checked against
// finite differences in test/lm.test.ts). Sequences of a batch are sorted by length, so at step t
// only the first b_t rows are still running and every product is over live rows only (no padding).
import type { Rng } from '../../core/random';
import { DeviceMatrix, transposeTimes } from './device';

export interface GruParams {
  vocab: number;
  hidden: number;
  /** vocab × 3H: input projection (the embedding folded in). */
  win: Float32Array;
  /** 3H */
  bx: Float32Array;
  /** H × 3H: recurrent weights. */
  u: Float32Array;
  /** H: recurrent bias of the candidate state. */
  bhn: Float32Array;
  /** H × vocab */
  wout: Float32Array;
  /** vocab */
  bout: Float32Array;
}

export const PARAM_NAMES = ['win', 'bx', 'u', 'bhn', 'wout', 'bout'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export type Gradients = Record<ParamName, Float32Array>;

export function parameterCount(p: { vocab: number; hidden: number }): number {
  const { vocab: v, hidden: h } = p;
  return v * 3 * h + 3 * h + h * 3 * h + h + h * v + v;
}

/** Fresh weights drawn from `rng`: uniform Glorot for the dense matrices, N(0, 1/H) for U, zero biases. */
export function initGru(vocab: number, hidden: number, rng: Rng): GruParams {
  const glorot = (fanIn: number, fanOut: number, n: number) => {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * a;
    return out;
  };
  const u = new Float32Array(hidden * 3 * hidden);
  const s = 1 / Math.sqrt(hidden);
  for (let i = 0; i < u.length; i++) u[i] = s * rng.normal();
  return {
    vocab,
    hidden,
    win: glorot(vocab, 3 * hidden, vocab * 3 * hidden),
    bx: new Float32Array(3 * hidden),
    u,
    bhn: new Float32Array(hidden),
    wout: glorot(hidden, vocab, hidden * vocab),
    bout: new Float32Array(vocab),
  };
}

export function cloneParams(p: GruParams): GruParams {
  return { vocab: p.vocab, hidden: p.hidden, win: p.win.slice(), bx: p.bx.slice(), u: p.u.slice(), bhn: p.bhn.slice(), wout: p.wout.slice(), bout: p.bout.slice() };
}

export function zeroGradients(p: GruParams): Gradients {
  return { win: new Float32Array(p.win.length), bx: new Float32Array(p.bx.length), u: new Float32Array(p.u.length), bhn: new Float32Array(p.bhn.length), wout: new Float32Array(p.wout.length), bout: new Float32Array(p.bout.length) };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The model's matrices on the tfjs backend (U, U^T, W_out, W_out^T), uploaded from the parameters.
 * Call `refresh()` after the parameters change (once per optimizer step).
 */
export class GruDevice {
  readonly params: GruParams;
  readonly u: DeviceMatrix;
  readonly uT: DeviceMatrix;
  readonly wout: DeviceMatrix;
  readonly woutT: DeviceMatrix;

  constructor(params: GruParams) {
    const { hidden: h, vocab: v } = params;
    this.params = params;
    this.u = new DeviceMatrix(h, 3 * h);
    this.uT = new DeviceMatrix(3 * h, h);
    this.wout = new DeviceMatrix(h, v);
    this.woutT = new DeviceMatrix(v, h);
    this.refresh();
  }

  refresh(): void {
    const p = this.params;
    this.u.upload(p.u);
    this.uT.uploadTransposed(p.u);
    this.wout.upload(p.wout);
    this.woutT.uploadTransposed(p.wout);
  }

  dispose(): void {
    this.u.dispose();
    this.uT.dispose();
    this.wout.dispose();
    this.woutT.dispose();
  }
}

/** A batch in the packed, time-major layout: row (t, j) is sequence j's step t, j < live(t). */
interface PackedBatch {
  steps: number;
  /** live[t]: sequences still running at step t (non-increasing). */
  live: Int32Array;
  /** offset[t]: first packed row of step t; offset[steps] = total rows = predicted tokens. */
  offset: Int32Array;
  inputs: Int32Array;
  targets: Int32Array;
}

/** Pack token sequences (each BOS … EOS); a sequence of length L predicts L − 1 tokens. */
function pack(sequences: readonly Int32Array[]): PackedBatch {
  const order = sequences.map((_, i) => i).sort((a, b) => sequences[b].length - sequences[a].length || a - b);
  const steps = order.length ? sequences[order[0]].length - 1 : 0;
  const live = new Int32Array(steps);
  const offset = new Int32Array(steps + 1);
  for (let t = 0; t < steps; t++) {
    let k = 0;
    while (k < order.length && sequences[order[k]].length - 1 > t) k++;
    live[t] = k;
    offset[t + 1] = offset[t] + k;
  }
  const rows = offset[steps];
  const inputs = new Int32Array(rows);
  const targets = new Int32Array(rows);
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < live[t]; j++) {
      const s = sequences[order[j]];
      inputs[offset[t] + j] = s[t];
      targets[offset[t] + j] = s[t + 1];
    }
  }
  return { steps, live, offset, inputs, targets };
}

/** What the forward pass keeps for the backward pass, all packed rows × H. */
interface ForwardState {
  batch: PackedBatch;
  hPrev: Float32Array;
  z: Float32Array;
  r: Float32Array;
  n: Float32Array;
  /** gh_n + b_hn */
  ghn: Float32Array;
  hOut: Float32Array;
}

function forward(dev: GruDevice, batch: PackedBatch): ForwardState {
  const p = dev.params;
  const H = p.hidden;
  const rows = batch.offset[batch.steps];
  const hPrev = new Float32Array(rows * H);
  const z = new Float32Array(rows * H);
  const r = new Float32Array(rows * H);
  const n = new Float32Array(rows * H);
  const ghn = new Float32Array(rows * H);
  const hOut = new Float32Array(rows * H);
  const { win, bx, bhn } = p;
  for (let t = 0; t < batch.steps; t++) {
    const b = batch.live[t];
    const o = batch.offset[t];
    // The live rows of step t are a prefix of those of step t − 1: copy their states forward.
    if (t > 0) hPrev.set(hOut.subarray(batch.offset[t - 1] * H, (batch.offset[t - 1] + b) * H), o * H);
    const gh = dev.u.leftMultiply(hPrev.subarray(o * H, (o + b) * H), b);
    for (let j = 0; j < b; j++) {
      const row = (o + j) * H;
      const x = batch.inputs[o + j] * 3 * H;
      const g = j * 3 * H;
      for (let k = 0; k < H; k++) {
        const zk = sigmoid(win[x + k] + bx[k] + gh[g + k]);
        const rk = sigmoid(win[x + H + k] + bx[H + k] + gh[g + H + k]);
        const hn = gh[g + 2 * H + k] + bhn[k];
        const nk = Math.tanh(win[x + 2 * H + k] + bx[2 * H + k] + rk * hn);
        const hp = hPrev[row + k];
        z[row + k] = zk;
        r[row + k] = rk;
        n[row + k] = nk;
        ghn[row + k] = hn;
        hOut[row + k] = nk + zk * (hp - nk);
      }
    }
  }
  return { batch, hPrev, z, r, n, ghn, hOut };
}

/**
 * Softmax cross-entropy of every packed row: returns the summed loss (nats) and, when `grad` is
 * given, writes d(loss · scale)/d(logits) into it.
 */
function crossEntropy(logits: Float32Array, bout: Float32Array, targets: Int32Array, V: number, grad?: Float32Array, scale = 1): number {
  let total = 0;
  const rows = targets.length;
  for (let i = 0; i < rows; i++) {
    const o = i * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) {
      const l = logits[o + v] + bout[v];
      if (l > max) max = l;
    }
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v] + bout[v] - max);
    const lse = max + Math.log(sum);
    total += lse - (logits[o + targets[i]] + bout[targets[i]]);
    if (grad) {
      for (let v = 0; v < V; v++) grad[o + v] = Math.exp(logits[o + v] + bout[v] - lse) * scale;
      grad[o + targets[i]] -= scale;
    }
  }
  return total;
}

/** Summed negative log-likelihood (nats) of the sequences, and the number of predicted tokens. */
export function sequenceLoss(dev: GruDevice, sequences: readonly Int32Array[]): { nll: number; tokens: number } {
  if (sequences.length === 0) return { nll: 0, tokens: 0 };
  const batch = pack(sequences);
  const state = forward(dev, batch);
  const rows = batch.offset[batch.steps];
  const logits = dev.wout.leftMultiply(state.hOut, rows);
  return { nll: crossEntropy(logits, dev.params.bout, batch.targets, dev.params.vocab), tokens: rows };
}

/**
 * Mean loss per predicted token over the batch and its gradient (added into `grads`, which the
 * caller zeroes). Returns the mean loss in nats per token.
 */
export function lossAndGradient(dev: GruDevice, sequences: readonly Int32Array[], grads: Gradients): number {
  const p = dev.params;
  const H = p.hidden;
  const V = p.vocab;
  const H3 = 3 * H;
  const batch = pack(sequences);
  const rows = batch.offset[batch.steps];
  if (rows === 0) return 0;
  const s = forward(dev, batch);

  // Output layer: logits for every row in one product, then its gradients.
  const logits = dev.wout.leftMultiply(s.hOut, rows);
  const dLogits = new Float32Array(rows * V);
  const loss = crossEntropy(logits, p.bout, batch.targets, V, dLogits, 1 / rows) / rows;
  addInto(grads.wout, transposeTimes(s.hOut, H, dLogits, V, rows));
  for (let i = 0; i < rows; i++) for (let v = 0; v < V; v++) grads.bout[v] += dLogits[i * V + v];
  const dH = dev.woutT.leftMultiply(dLogits, rows);

  // Backpropagation through time, last step first.
  const dGX = new Float32Array(rows * H3); // d loss / d gx, per row
  const dGH = new Float32Array(rows * H3); // d loss / d gh (with the b_hn part), per row
  let carry = new Float32Array(0); // d loss / d h_t flowing back from step t + 1, live(t + 1) rows
  for (let t = batch.steps - 1; t >= 0; t--) {
    const b = batch.live[t];
    const o = batch.offset[t];
    const direct = new Float32Array(b * H);
    for (let j = 0; j < b; j++) {
      const row = (o + j) * H;
      const g = (o + j) * H3;
      const fromNext = j * H < carry.length;
      for (let k = 0; k < H; k++) {
        const dh = dH[row + k] + (fromNext ? carry[j * H + k] : 0);
        const zk = s.z[row + k];
        const rk = s.r[row + k];
        const nk = s.n[row + k];
        const dn = dh * (1 - zk);
        const dz = dh * (s.hPrev[row + k] - nk);
        const dan = dn * (1 - nk * nk);
        const dr = dan * s.ghn[row + k];
        const daz = dz * zk * (1 - zk);
        const dar = dr * rk * (1 - rk);
        dGX[g + k] = daz;
        dGX[g + H + k] = dar;
        dGX[g + 2 * H + k] = dan;
        dGH[g + k] = daz;
        dGH[g + H + k] = dar;
        dGH[g + 2 * H + k] = dan * rk;
        direct[j * H + k] = dh * zk;
      }
    }
    if (t > 0) {
      const back = dev.uT.leftMultiply(dGH.subarray(o * H3, (o + b) * H3), b);
      for (let i = 0; i < b * H; i++) back[i] += direct[i];
      carry = back;
    }
  }

  addInto(grads.u, transposeTimes(s.hPrev, H, dGH, H3, rows));
  for (let i = 0; i < rows; i++) {
    const g = i * H3;
    const x = batch.inputs[i] * H3;
    for (let k = 0; k < H3; k++) {
      grads.win[x + k] += dGX[g + k];
      grads.bx[k] += dGX[g + k];
    }
    for (let k = 0; k < H; k++) grads.bhn[k] += dGH[g + 2 * H + k];
  }
  return loss;
}

function addInto(into: Float32Array, x: Float32Array): void {
  for (let i = 0; i < into.length; i++) into[i] += x[i];
}

/**
 * Sample sequences at temperature 1 from BOS until EOS or `maxTokens` characters. Returns each
 * sequence's token ids (without BOS; with EOS when it ended) in order of the batch.
 */
export function sampleSequences(dev: GruDevice, count: number, maxTokens: number, rng: Rng): Int32Array[] {
  const p = dev.params;
  const { hidden: H, vocab: V, win, bx, bhn, bout } = p;
  const out: number[][] = Array.from({ length: count }, () => []);
  let alive = Int32Array.from({ length: count }, (_, i) => i); // batch index of each live row
  let h = new Float32Array(count * H);
  let tokens = new Int32Array(count); // BOS = 0
  const probs = new Float64Array(V);
  for (let step = 0; step < maxTokens && alive.length > 0; step++) {
    const b = alive.length;
    const gh = dev.u.leftMultiply(h, b);
    const hNew = new Float32Array(b * H);
    for (let j = 0; j < b; j++) {
      const x = tokens[j] * 3 * H;
      const g = j * 3 * H;
      for (let k = 0; k < H; k++) {
        const zk = sigmoid(win[x + k] + bx[k] + gh[g + k]);
        const rk = sigmoid(win[x + H + k] + bx[H + k] + gh[g + H + k]);
        const nk = Math.tanh(win[x + 2 * H + k] + bx[2 * H + k] + rk * (gh[g + 2 * H + k] + bhn[k]));
        hNew[j * H + k] = nk + zk * (h[j * H + k] - nk);
      }
    }
    const logits = dev.wout.leftMultiply(hNew, b);
    // Draw each live row's next token; rows that emit EOS leave the batch.
    const keep: number[] = [];
    const nextTokens: number[] = [];
    for (let j = 0; j < b; j++) {
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[j * V + v] + bout[v]);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += probs[v] = Math.exp(logits[j * V + v] + bout[v] - max);
      let u = rng.uniform() * sum;
      let tok = V - 1;
      for (let v = 0; v < V; v++) {
        u -= probs[v];
        if (u < 0) {
          tok = v;
          break;
        }
      }
      out[alive[j]].push(tok);
      if (tok !== 1 /* EOS */) {
        keep.push(j);
        nextTokens.push(tok);
      }
    }
    const nextH = new Float32Array(keep.length * H);
    for (let i = 0; i < keep.length; i++) nextH.set(hNew.subarray(keep[i] * H, (keep[i] + 1) * H), i * H);
    alive = Int32Array.from(keep, (j) => alive[j]);
    h = nextH;
    tokens = Int32Array.from(nextTokens);
  }
  return out.map((s) => Int32Array.from(s));
}
