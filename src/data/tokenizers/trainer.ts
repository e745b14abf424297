// A WordPiece vocabulary trainer in the manner of HF's WordPieceTrainer: BPE merges over the
// basic-tokenised words, where every non-initial symbol carries the "##" prefix, so the learned
// pieces are exactly what greedy WordPiece matching later looks up.
import { basicTokenize, BERT_UNCASED } from "./basic";
import { BERT_SPECIAL_TOKENS, WordPieceTokenizer } from "./wordpiece";
import type { SpecialTokens } from "./base";

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

/** Max-heap of pairs by count, ties to the smaller (a, b) — HF's merge order. */
class PairHeap {
  private readonly items: { count: number; a: number; b: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  private before(i: number, j: number): boolean {
    const x = this.items[i];
    const y = this.items[j];
    if (x.count !== y.count) return x.count > y.count;
    return x.a !== y.a ? x.a < y.a : x.b < y.b;
  }
  push(count: number, a: number, b: number): void {
    const it = this.items;
    it.push({ count, a, b });
    for (let i = it.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      [it[i], it[p]] = [it[p], it[i]];
      i = p;
    }
  }
  pop(): { count: number; a: number; b: number } | undefined {
    const it = this.items;
    const top = it[0];
    const last = it.pop();
    if (it.length > 0 && last) {
      it[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < it.length && this.before(l, m)) m = l;
        if (r < it.length && this.before(r, m)) m = r;
        if (m === i) break;
        [it[i], it[m]] = [it[m], it[i]];
        i = m;
      }
    }
    return top;
  }
}

export function trainWordPiece(
  corpus: Iterable<string>,
  opts: WordPieceTrainerOptions,
  stats?: (s: TrainingStats) => void,
): WordPieceTokenizer {
  const t0 = Date.now();
  const specials = opts.specialTokens ?? BERT_SPECIAL_TOKENS;
  const minFrequency = opts.minFrequency ?? 2;
  const limitAlphabet = opts.limitAlphabet ?? 1000;
  const basic = { ...BERT_UNCASED, lowercase: opts.lowercase ?? true };
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < 6) {
    throw new Error(`vocabSize ${opts.vocabSize} is invalid: give an integer of at least 6`);
  }

  // 1. Word frequencies.
  const wordCounts = new Map<string, number>();
  let nWords = 0;
  for (const text of corpus) {
    for (const w of basicTokenize(text, basic)) {
      wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
      nWords++;
    }
  }

  // 2. Alphabet: the most frequent characters, in code-point order.
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
  const alphabet = [...charCounts]
    .sort((x, y) => y[1] - x[1] || cmpCodePoints(x[0], y[0]))
    .slice(0, limitAlphabet)
    .map(([ch]) => ch)
    .sort(cmpCodePoints);
  const inAlphabet = new Set(alphabet);

  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const add = (tok: string): number => {
    let id = ids.get(tok);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(tok);
      ids.set(tok, id);
    }
    return id;
  };
  for (const s of [specials.pad, specials.unk, specials.cls, specials.sep, specials.mask]) add(s);
  for (const ch of alphabet) add(ch);
  const continuation = new Set<string>();
  for (const w of wordCounts.keys()) {
    let first = true;
    for (const ch of w) {
      if (!first && inAlphabet.has(ch)) continuation.add(ch);
      first = false;
    }
  }
  for (const ch of [...continuation].sort(cmpCodePoints)) add(PREFIX + ch);
  if (tokens.length > opts.vocabSize) {
    throw new Error(
      `vocabSize ${opts.vocabSize} is smaller than the special tokens + alphabet (${tokens.length}); ` +
        `raise vocabSize or lower limitAlphabet`,
    );
  }

  // 3. Words as symbol sequences; characters outside the alphabet are dropped, as HF does.
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, c] of wordCounts) {
    const syms: number[] = [];
    for (const ch of w) {
      if (!inAlphabet.has(ch)) continue;
      syms.push(ids.get(syms.length === 0 ? ch : PREFIX + ch)!);
    }
    if (syms.length > 0) {
      words.push(syms);
      freqs.push(c);
    }
  }

  // 4. Pair counts and the words each pair occurs in. Pair keys stay small integers (Smis),
  // which V8's maps hash much faster than doubles.
  const KEY = 2 ** Math.ceil(Math.log2(opts.vocabSize + 1));
  const pairCount = new Map<number, number>();
  const where = new Map<number, number[]>();
  const bump = (key: number, by: number): void => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + by);
  };
  const note = (key: number, wi: number): void => {
    const list = where.get(key);
    if (!list) where.set(key, [wi]);
    else if (list[list.length - 1] !== wi) list.push(wi);
  };
  words.forEach((syms, wi) => {
    for (let i = 0; i + 1 < syms.length; i++) {
      const key = syms[i] * KEY + syms[i + 1];
      bump(key, freqs[wi]);
      note(key, wi);
    }
  });
  const heap = new PairHeap();
  for (const [key, c] of pairCount) heap.push(c, Math.floor(key / KEY), key % KEY);

  // 5. Merge the most frequent pair until the vocabulary is full. Only the pairs next to a merge
  // change: (prev, A) and (B, next) lose, (prev, AB) and (AB, next) gain.
  let merges = 0;
  while (tokens.length < opts.vocabSize && heap.size > 0) {
    const top = heap.pop()!;
    const A = top.a;
    const B = top.b;
    const key = A * KEY + B;
    const current = pairCount.get(key) ?? 0;
    if (current !== top.count) {
      if (current > 0) heap.push(current, A, B); // stale entry: requeue with its true count
      continue;
    }
    if (current < minFrequency) break;
    const right = tokens[B];
    const M = add(tokens[A] + (right.startsWith(PREFIX) ? right.slice(PREFIX.length) : right));
    merges++;
    const touched = new Set<number>();
    for (const wi of where.get(key) ?? []) {
      const syms = words[wi];
      const f = freqs[wi];
      let j = 0;
      for (let i = 0; i < syms.length; i++) {
        if (syms[i] === A && i + 1 < syms.length && syms[i + 1] === B) {
          if (j > 0) {
            const prev = syms[j - 1]; // already rewritten: may be M from the previous merge
            bump(prev * KEY + A, -f);
            const k = prev * KEY + M;
            bump(k, f);
            note(k, wi);
            touched.add(k);
          }
          if (i + 2 < syms.length) {
            const next = syms[i + 2];
            bump(B * KEY + next, -f);
            const k = M * KEY + next;
            bump(k, f);
            note(k, wi);
            touched.add(k);
          }
          syms[j++] = M;
          i++;
        } else syms[j++] = syms[i];
      }
      syms.length = j;
    }
    where.delete(key);
    pairCount.delete(key);
    for (const k of touched) {
      const c = pairCount.get(k)!;
      if (c > 0) heap.push(c, Math.floor(k / KEY), k % KEY);
    }
  }

  stats?.({ words: nWords, uniqueWords: wordCounts.size, alphabet: alphabet.length, merges, seconds: (Date.now() - t0) / 1000 });
  return new WordPieceTokenizer(ids, { specialTokens: specials, basic, modelMaxLength: opts.modelMaxLength });
}

function cmpCodePoints(x: string, y: string): number {
  return x.codePointAt(0)! - y.codePointAt(0)!;
}
