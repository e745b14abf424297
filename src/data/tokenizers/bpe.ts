// RoBERTa's byte-level BPE, as HF RobertaTokenizer (= GPT-2's): text is split by the GPT-2
// regex, each piece's UTF-8 bytes are mapped to printable characters (a space becomes "Ġ"), and
// adjacent symbols are merged by merge rank until no ranked pair is left.
import * as path from "node:path";
import { BaseTokenizer, type SpecialTokens } from "./base";
import { writeFileAtomic } from "./files";
import { robertaToJson } from "./tokenizer-json-write";
import type { AddedToken } from "./types";

export const ROBERTA_SPECIAL_TOKENS: SpecialTokens = { pad: "<pad>", unk: "<unk>", cls: "<s>", sep: "</s>", mask: "<mask>" };

/**
 * GPT-2's pre-tokenisation pattern. Its \s means Unicode White_Space (as in Python's `regex` and
 * Oniguruma), which differs from JavaScript's \s on U+0085 and U+FEFF, so it is spelled out.
 */
export const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/** GPT-2's reversible byte → printable character table. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const table: string[] = new Array(256);
  for (const b of bs) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  return table;
}

const BYTE_ENCODER = bytesToUnicode();
const BYTE_DECODER = new Map(BYTE_ENCODER.map((ch, b) => [ch, b]));

export interface RobertaOptions {
  addPrefixSpace?: boolean;
  specialTokens?: SpecialTokens;
  addedTokens?: AddedToken[];
  modelMaxLength?: number;
}

export class RobertaTokenizer extends BaseTokenizer {
  readonly kind = "bpe" as const;
  protected readonly sepsBetweenPair = 2;
  protected readonly pairTypeId = 0;
  readonly addPrefixSpace: boolean;
  readonly modelMaxLength: number;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();
  private readonly encoder = new TextEncoder();

  constructor(vocab: ReadonlyMap<string, number>, readonly merges: readonly [string, string][], opts: RobertaOptions = {}) {
    const specials = opts.specialTokens ?? ROBERTA_SPECIAL_TOKENS;
    super(vocab, opts.addedTokens ?? robertaAddedTokens(vocab, specials), specials);
    merges.forEach(([a, b], rank) => {
      const key = `${a} ${b}`;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
    this.addPrefixSpace = opts.addPrefixSpace ?? false;
    this.modelMaxLength = opts.modelMaxLength ?? 512;
  }

  protected modelTokenize(text: string): string[] {
    if (this.addPrefixSpace && !text.startsWith(" ")) text = " " + text;
    const out: string[] = [];
    for (const m of text.matchAll(GPT2_PATTERN)) {
      let mapped = "";
      for (const byte of this.encoder.encode(m[0])) mapped += BYTE_ENCODER[byte];
      for (const t of this.bpe(mapped)) out.push(t);
    }
    return out;
  }

  /** Repeatedly merges the adjacent pair with the lowest rank, every occurrence at once. */
  bpe(token: string): string[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    let word = [...token];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = word[best];
      const b = word[best + 1];
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(word[i]);
      }
      word = next;
    }
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(token, word);
    return word;
  }

  decode(ids: number[]): string {
    const special = new Set(this.addedTokens.map((t) => t.id));
    let out = "";
    let bytes: number[] = [];
    const flush = (): void => {
      out += Buffer.from(bytes).toString("utf8");
      bytes = [];
    };
    for (const id of ids) {
      const tok = this.idToToken(id);
      if (special.has(id)) {
        flush();
        out += tok;
        continue;
      }
      for (const ch of tok) {
        const b = BYTE_DECODER.get(ch);
        if (b === undefined) {
          flush();
          out += ch;
        } else bytes.push(b);
      }
    }
    flush();
    return out;
  }

  /** tokenizer.json, vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json. */
  save(dir: string): void {
    const s = this.specialTokens;
    const specialsMap = { bos_token: s.cls, eos_token: s.sep, unk_token: s.unk, sep_token: s.sep, pad_token: s.pad, cls_token: s.cls, mask_token: s.mask };
    const vocab: Record<string, number> = {};
    for (const [tok, id] of [...this.vocab].sort((x, y) => x[1] - y[1])) vocab[tok] = id;
    const config = {
      tokenizer_class: "RobertaTokenizer",
      add_prefix_space: this.addPrefixSpace,
      errors: "replace",
      trim_offsets: true,
      model_max_length: this.modelMaxLength,
      ...specialsMap,
    };
    writeFileAtomic(path.join(dir, "tokenizer.json"), JSON.stringify(robertaToJson(this), null, 2) + "\n");
    writeFileAtomic(path.join(dir, "vocab.json"), JSON.stringify(vocab) + "\n");
    writeFileAtomic(path.join(dir, "merges.txt"), ["#version: 0.2", ...this.merges.map(([a, b]) => `${a} ${b}`)].join("\n") + "\n");
    writeFileAtomic(path.join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2) + "\n");
    writeFileAtomic(path.join(dir, "special_tokens_map.json"), JSON.stringify(specialsMap, null, 2) + "\n");
  }
}

/** RoBERTa's special tokens; <mask> eats the space before it, as in roberta-base. */
export function robertaAddedTokens(vocab: ReadonlyMap<string, number>, specials: SpecialTokens): AddedToken[] {
  const names = [specials.cls, specials.pad, specials.sep, specials.unk, specials.mask];
  const out: AddedToken[] = [];
  for (const content of new Set(names)) {
    const id = vocab.get(content);
    if (id === undefined) continue;
    const lstrip = content === specials.mask;
    out.push({ id, content, single_word: false, lstrip, rstrip: false, normalized: lstrip, special: true });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** merges.txt: an optional "#version" line, then one "left right" pair per line. */
export function parseMergesTxt(text: string, file: string): [string, string][] {
  const merges: [string, string][] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line === "" || (i === 0 && line.startsWith("#version"))) return;
    const parts = line.split(" ");
    if (parts.length !== 2) throw new Error(`${file}:${i + 1}: expected "left right", got '${line}'; is this a GPT-2/RoBERTa merges.txt?`);
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}
