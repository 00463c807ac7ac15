// Synthetic conversations: draw from the fine-tuned model at temperature 1, starting from BOS (an
// empty prompt), and keep only well-formed ones until there are as many as asked. As in the paper's
// §2.3: a sample is kept only if it starts with `user: ` and contains exactly one `assistant: `, and
// sampling continues until there are as many as real training examples.
import type { Rng } from '../../core/random';
import { isWellFormed, MAX_CONVERSATION_CHARS } from './corpus';
import { GruDevice, sampleSequences, type GruParams } from './gru';
import { BOS, defaultTokenizer, EOS } from './tokenizer';

/** A sample that has not ended after this many characters is cut and rejected (the paper's 512-token cap). */
export const MAX_SAMPLE_CHARS = 2 * MAX_CONVERSATION_CHARS;
/**
 * Give up after drawing this many times the requested number (a model that only emits garbage). The
 * loop's callers then throw rather than train on fewer examples than the workflow says.
 */
export const MAX_DRAWS_PER_KEPT = 50;
/** Most samples drawn side by side in one batch. */
const MAX_ROUND = 4096;

export interface SampledConversations {
  /** Well-formed conversations, in the order drawn (at most the number asked for). */
  kept: string[];
  /** Samples drawn up to and including the last kept one (or all, when sampling gave up). */
  drawn: number;
  /** Share of drawn samples rejected as malformed. */
  rejectedShare: number;
  /** A few rejected samples, for the notebooks (as text; an unfinished one ends with "…"). */
  rejectedExamples: string[];
}

/** Draw until `count` well-formed conversations are kept (or MAX_DRAWS_PER_KEPT·count draws). */
export function sampleConversations(params: GruParams, count: number, rng: Rng, keepRejected = 5): SampledConversations {
  const tok = defaultTokenizer();
  const dev = new GruDevice(params);
  const kept: string[] = [];
  const rejectedExamples: string[] = [];
  let drawn = 0;
  const maxDraws = MAX_DRAWS_PER_KEPT * Math.max(count, 1);
  try {
    while (kept.length < count && drawn < maxDraws) {
      const need = count - kept.length;
      // Size the round by the acceptance seen so far (optimistic at first), so a few rounds suffice;
      // at most MAX_ROUND rows are sampled side by side.
      const acceptance = drawn > 0 ? Math.max(kept.length / drawn, 1 / MAX_DRAWS_PER_KEPT) : 0.8;
      const round = Math.min(maxDraws - drawn, MAX_ROUND, Math.ceil((1.1 * need) / acceptance) + 4);
      for (const ids of sampleSequences(dev, round, MAX_SAMPLE_CHARS + 1, rng)) {
        drawn++;
        const ended = ids.length > 0 && ids[ids.length - 1] === EOS;
        const body = ended ? ids.subarray(0, ids.length - 1) : ids;
        const text = tok.decode(body);
        // A stray BOS inside the text is malformed too (decode would silently drop it).
        if (ended && !body.includes(BOS) && isWellFormed(text)) kept.push(text);
        else if (rejectedExamples.length < keepRejected) rejectedExamples.push(ended ? text : `${text}…`);
        if (kept.length === count) break;
      }
    }
  } finally {
    dev.dispose();
  }
  return { kept, drawn, rejectedShare: drawn > 0 ? (drawn - kept.length) / drawn : NaN, rejectedExamples };
}

/** Exactly `count` well-formed conversations, or an Error saying why the filter could not fill the batch. */
export function sampleWellFormed(params: GruParams, count: number, rng: Rng): SampledConversations {
  const s = sampleConversations(params, count, rng);
  if (s.kept.length < count) {
    throw new Error(
      `only ${s.kept.length} of ${count} samples were well-formed after ${s.drawn} draws (acceptance ${(100 * (1 - s.rejectedShare)).toFixed(2)} %): ` +
        'the model cannot fill a synthetic batch; use more real samples or the medium model',
    );
  }
  return s;
}
