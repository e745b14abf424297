// A WordPiece vocabulary trainer in the manner of HF's WordPieceTrainer: BPE merges over the
// basic-tokenised words, where every non-initial symbol carries the "##" prefix, so the learned
// pieces are exactly what greedy WordPiece matching later looks up.
import { basicTokenize, BERT_UNCASED } from "./basic";
import { BERT_SPECIAL_TOKENS, WordPieceTokenizer } from "./wordpiece";
import type { SpecialTokens } from "./base";
import { PairHeap } from "./pairHeap";

export interface WordPieceTrainerOptions {
  /** Final vocabulary size, special tokens and alphabet included. */
  vocabSize: number;
  lowercase?: boolean;
  /** A pair seen fewer times than this is never merged (HF BertWordPieceTokenizer default 2). */
  minFrequency?: number;
  /** Keep at most this many distinct characters, the most frequent (HF default 1000). */
  limitAlphabet?: number;
  specialTokens?: SpecialTokens;
  modelMaxLength?: number;
}

export interface TrainingStats {
  words: number;
  uniqueWords: number;
  alphabet: number;
  merges: number;
  seconds: number;
}

const PREFIX = "##";

export function trainWordPiece(
  corpus: Iterable<string>,
  opts: WordPieceTrainerOptions,
  stats?: (s: TrainingStats) => void,
): WordPieceTokenizer {
  const t0 = Date.now();
  const specials = opts.specialTokens ?? BERT_SPECIAL_TOKENS;
  const basic = { ...BERT_UNCASED, lowercase: opts.lowercase ?? true };
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < 6) {
    throw new Error(`vocabSize ${opts.vocabSize} is invalid: give an integer of at least 6`);
  }
  // 1. Word frequencies.
  const { wordCounts, nWords } = countWords(corpus, basic);
  // 2. Alphabet: the most frequent characters, in code-point order; the first vocabulary.
  const alphabet = chooseAlphabet(wordCounts, opts.limitAlphabet ?? 1000);
  const vocab = new Vocabulary();
  for (const s of [specials.pad, specials.unk, specials.cls, specials.sep, specials.mask]) vocab.add(s);
  for (const ch of alphabet) vocab.add(ch);
  for (const ch of continuationCharacters(wordCounts, new Set(alphabet))) vocab.add(PREFIX + ch);
  if (vocab.size > opts.vocabSize) {
    throw new Error(
      `vocabSize ${opts.vocabSize} is smaller than the special tokens + alphabet (${vocab.size}); ` +
        `raise vocabSize or lower limitAlphabet`,
    );
  }
  // 3. Words as symbol sequences.
  const words = wordsAsSymbols(wordCounts, new Set(alphabet), vocab);
  // 4. and 5. Pair counts, then merges until the vocabulary is full.
  const merges = mergeUntilFull(words, vocab, opts.vocabSize, opts.minFrequency ?? 2);
  stats?.({ words: nWords, uniqueWords: wordCounts.size, alphabet: alphabet.length, merges, seconds: (Date.now() - t0) / 1000 });
  return new WordPieceTokenizer(vocab.ids, { specialTokens: specials, basic, modelMaxLength: opts.modelMaxLength });
}

/** Tokens in id order. */
class Vocabulary {
  readonly tokens: string[] = [];
  readonly ids = new Map<string, number>();

  get size(): number {
    return this.tokens.length;
  }

  /** The id of `tok`, added at the end if new. */
  add(tok: string): number {
    let id = this.ids.get(tok);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(tok);
      this.ids.set(tok, id);
    }
    return id;
  }
}

/** The words of the corpus (basic-tokenised) with their counts, in first-seen order. */
function countWords(corpus: Iterable<string>, basic: typeof BERT_UNCASED): { wordCounts: Map<string, number>; nWords: number } {
  const wordCounts = new Map<string, number>();
  let nWords = 0;
  for (const text of corpus) {
    for (const w of basicTokenize(text, basic)) {
      wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
      nWords++;
    }
  }
  return { wordCounts, nWords };
}

/** The `limit` most frequent characters (ties by code point), in code-point order. */
function chooseAlphabet(wordCounts: Map<string, number>, limit: number): string[] {
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
  return [...charCounts]
    .sort((x, y) => y[1] - x[1] || cmpCodePoints(x[0], y[0]))
    .slice(0, limit)
    .map(([ch]) => ch)
    .sort(cmpCodePoints);
}

/** The alphabet's characters that occur inside a word (they get a "##" piece), in code-point order. */
function continuationCharacters(wordCounts: Map<string, number>, inAlphabet: Set<string>): string[] {
  const continuation = new Set<string>();
  for (const w of wordCounts.keys()) {
    let first = true;
    for (const ch of w) {
      if (!first && inAlphabet.has(ch)) continuation.add(ch);
      first = false;
    }
  }
  return [...continuation].sort(cmpCodePoints);
}

/** A word as the symbols it is made of now, and how often it occurs. */
interface SymbolWord {
  syms: number[];
  count: number;
}

/** Each word as symbol ids; characters outside the alphabet are dropped, as HF does. */
function wordsAsSymbols(wordCounts: Map<string, number>, inAlphabet: Set<string>, vocab: Vocabulary): SymbolWord[] {
  const words: SymbolWord[] = [];
  for (const [w, count] of wordCounts) {
    const syms: number[] = [];
    for (const ch of w) {
      if (!inAlphabet.has(ch)) continue;
      syms.push(vocab.ids.get(syms.length === 0 ? ch : PREFIX + ch)!);
    }
    if (syms.length > 0) words.push({ syms, count });
  }
  return words;
}

/**
 * Pair counts and the words each pair occurs in. Pair keys stay small integers (Smis), which V8's
 * maps hash much faster than doubles.
 */
class PairIndex {
  readonly heap = new PairHeap();
  private readonly KEY: number;
  private readonly pairCount = new Map<number, number>();
  private readonly where = new Map<number, number[]>();

  constructor(words: SymbolWord[], vocabSize: number) {
    this.KEY = 2 ** Math.ceil(Math.log2(vocabSize + 1));
    words.forEach(({ syms, count }, wi) => {
      for (let i = 0; i + 1 < syms.length; i++) this.bump(syms[i], syms[i + 1], count, wi);
    });
    for (const [key, c] of this.pairCount) this.heap.push(c, Math.floor(key / this.KEY), key % this.KEY);
  }

  key(a: number, b: number): number {
    return a * this.KEY + b;
  }

  count(key: number): number {
    return this.pairCount.get(key) ?? 0;
  }

  /** The words (indices) the pair with `key` may occur in. */
  wordsWith(key: number): number[] {
    return this.where.get(key) ?? [];
  }

  /** Adds `by` to the count of (a, b); with `wi`, notes that the pair occurs in word wi. */
  bump(a: number, b: number, by: number, wi?: number): number {
    const key = this.key(a, b);
    this.pairCount.set(key, this.count(key) + by);
    if (wi !== undefined) {
      const list = this.where.get(key);
      if (!list) this.where.set(key, [wi]);
      else if (list[list.length - 1] !== wi) list.push(wi);
    }
    return key;
  }

  forget(key: number): void {
    this.where.delete(key);
    this.pairCount.delete(key);
  }

  /** Queues the pairs whose counts a merge raised (their stale heap entries are skipped when popped). */
  requeue(keys: Iterable<number>): void {
    for (const k of keys) {
      const c = this.pairCount.get(k)!;
      if (c > 0) this.heap.push(c, Math.floor(k / this.KEY), k % this.KEY);
    }
  }
}

/** Merges the most frequent pair until the vocabulary is full or no pair is frequent enough; returns the number of merges. */
function mergeUntilFull(words: SymbolWord[], vocab: Vocabulary, vocabSize: number, minFrequency: number): number {
  const pairs = new PairIndex(words, vocabSize);
  let merges = 0;
  while (vocab.size < vocabSize && pairs.heap.size > 0) {
    const top = pairs.heap.pop()!;
    const A = top.a;
    const B = top.b;
    const key = pairs.key(A, B);
    const current = pairs.count(key);
    if (current !== top.count) {
      if (current > 0) pairs.heap.push(current, A, B); // stale entry: requeue with its true count
      continue;
    }
    if (current < minFrequency) break;
    const right = vocab.tokens[B];
    const M = vocab.add(vocab.tokens[A] + (right.startsWith(PREFIX) ? right.slice(PREFIX.length) : right));
    merges++;
    const touched = new Set<number>();
    for (const wi of pairs.wordsWith(key)) mergeInWord(words[wi], wi, A, B, M, pairs, touched);
    pairs.forget(key);
    pairs.requeue(touched);
  }
  return merges;
}

/**
 * Rewrites every (A, B) in word wi as M. Only the pairs next to a merge change: (prev, A) and
 * (B, next) lose, (prev, M) and (M, next) gain; the keys of the gainers go into `touched`.
 */
function mergeInWord(word: SymbolWord, wi: number, A: number, B: number, M: number, pairs: PairIndex, touched: Set<number>): void {
  const { syms, count: f } = word;
  let j = 0;
  for (let i = 0; i < syms.length; i++) {
    if (syms[i] === A && i + 1 < syms.length && syms[i + 1] === B) {
      if (j > 0) {
        const prev = syms[j - 1]; // already rewritten: may be M from the previous merge
        pairs.bump(prev, A, -f);
        touched.add(pairs.bump(prev, M, f, wi));
      }
      if (i + 2 < syms.length) {
        const next = syms[i + 2];
        pairs.bump(B, next, -f);
        touched.add(pairs.bump(M, next, f, wi));
      }
      syms[j++] = M;
      i++;
    } else syms[j++] = syms[i];
  }
  syms.length = j;
}

function cmpCodePoints(x: string, y: string): number {
  return x.codePointAt(0)! - y.codePointAt(0)!;
}
