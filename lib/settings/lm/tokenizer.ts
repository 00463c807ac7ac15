// The character tokenizer: a fixed vocabulary shipped in data/lm/vocab.json (two special tokens, then
// newline and the 95 printable ASCII characters). Every text the model sees is first reduced to that
// alphabet (see corpus.ts), so encoding never meets an unknown character by accident: it throws.
import * as fs from 'fs';
import { shippedLmFile } from './paths';

export const BOS = 0;
export const EOS = 1;

export class Tokenizer {
  /** Characters of token ids 2, 3, … (ids 0 and 1 are BOS and EOS). */
  readonly chars: string;
  readonly size: number;
  private readonly ids = new Map<string, number>();

  constructor(chars: string) {
    this.chars = chars;
    this.size = chars.length + 2;
    for (let i = 0; i < chars.length; i++) {
      if (this.ids.has(chars[i])) throw new Error(`vocabulary lists ${JSON.stringify(chars[i])} twice`);
      this.ids.set(chars[i], i + 2);
    }
  }

  has(ch: string): boolean {
    return this.ids.has(ch);
  }

  /** Token ids of a text, without BOS/EOS. Throws on a character outside the vocabulary. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const id = this.ids.get(text[i]);
      if (id === undefined) throw new Error(`character ${JSON.stringify(text[i])} (U+${text.charCodeAt(i).toString(16)}) is not in the vocabulary`);
      out[i] = id;
    }
    return out;
  }

  /** BOS, the text's ids, EOS: one training sequence. */
  encodeSequence(text: string): Int32Array {
    const out = new Int32Array(text.length + 2);
    out[0] = BOS;
    out.set(this.encode(text), 1);
    out[text.length + 1] = EOS;
    return out;
  }

  /** The text of token ids; special tokens are skipped. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= 2 && id < this.size) s += this.chars[id - 2];
      else if (id < 0 || id >= this.size) throw new Error(`token id ${id} is outside the vocabulary of ${this.size}`);
    }
    return s;
  }
}

let shipped: Tokenizer | undefined;

/** The project's tokenizer, from data/lm/vocab.json. */
export function defaultTokenizer(): Tokenizer {
  if (!shipped) {
    const vocab = JSON.parse(fs.readFileSync(shippedLmFile('vocab.json'), 'utf8')) as { specials: string[]; chars: string };
    if (vocab.specials.length !== 2) throw new Error('data/lm/vocab.json: expected two special tokens (<bos>, <eos>)');
    shipped = new Tokenizer(vocab.chars);
  }
  return shipped;
}
