// BERT's WordPiece tokenizer, as HF BertTokenizer: basic tokenisation, then greedy
// longest-match-first pieces with "##" continuations; a word that cannot be covered, or is longer
// than max_input_chars_per_word, becomes [UNK] as a whole.
import * as path from "node:path";
import { BaseTokenizer, type SpecialTokens } from "./base";
import { basicTokenize, BERT_UNCASED, type BasicTokenizerOptions } from "./basic";
import { writeFileAtomic } from "./files";
import { wordPieceToJson } from "./tokenizer-json-write";
import type { AddedToken } from "./types";

export const BERT_SPECIAL_TOKENS: SpecialTokens = { pad: "[PAD]", unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", mask: "[MASK]" };

export interface WordPieceOptions {
  basic?: BasicTokenizerOptions;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  specialTokens?: SpecialTokens;
  /** Added tokens (tokenizer.json's added_tokens); by default the five special tokens. */
  addedTokens?: AddedToken[];
  modelMaxLength?: number;
}

const CACHE_LIMIT = 50_000;

export class WordPieceTokenizer extends BaseTokenizer {
  readonly kind = "wordpiece" as const;
  protected readonly sepsBetweenPair = 1;
  protected readonly pairTypeId = 1;
  readonly basic: BasicTokenizerOptions;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  readonly modelMaxLength: number;
  private readonly cache = new Map<string, string[]>();

  constructor(vocab: ReadonlyMap<string, number>, opts: WordPieceOptions = {}) {
    const specials = opts.specialTokens ?? BERT_SPECIAL_TOKENS;
    super(vocab, opts.addedTokens ?? defaultAddedTokens(vocab, specials), specials);
    this.basic = opts.basic ?? BERT_UNCASED;
    this.prefix = opts.continuingSubwordPrefix ?? "##";
    this.maxInputCharsPerWord = opts.maxInputCharsPerWord ?? 100;
    this.modelMaxLength = opts.modelMaxLength ?? 512;
  }

  protected modelTokenize(text: string): string[] {
    const out: string[] = [];
    for (const word of basicTokenize(text, this.basic)) for (const p of this.wordPiece(word)) out.push(p);
    return out;
  }

  /** Greedy longest-match-first split of one basic token. */
  wordPiece(word: string): string[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const pieces = this.split(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, pieces);
    return pieces;
  }

  private split(word: string): string[] {
    const unk = [this.specialTokens.unk];
    // Code-point boundaries, so a piece never cuts a surrogate pair.
    const bounds: number[] = [];
    for (let i = 0; i < word.length; i += word.codePointAt(i)! > 0xffff ? 2 : 1) bounds.push(i);
    bounds.push(word.length);
    const n = bounds.length - 1;
    if (n > this.maxInputCharsPerWord) return unk;
    const pieces: string[] = [];
    let start = 0;
    while (start < n) {
      let end = n;
      let found: string | null = null;
      while (start < end) {
        let sub = word.slice(bounds[start], bounds[end]);
        if (start > 0) sub = this.prefix + sub;
        if (this.vocab.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === null) return unk;
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** As HF: join, glue "##" pieces, and tidy spaces before punctuation and contractions. */
  decode(ids: number[]): string {
    const text = ids.map((id) => this.idToToken(id)).join(" ");
    return cleanUpTokenization(text.split(` ${this.prefix}`).join("").trim());
  }

  /** tokenizer.json, vocab.txt, tokenizer_config.json and special_tokens_map.json. */
  save(dir: string): void {
    const vocabLines: string[] = [];
    for (let id = 0; id < this.vocabSize; id++) {
      const tok = this.idToTok[id];
      if (tok === undefined) throw new Error(`cannot save vocab.txt: id ${id} has no token (ids must be contiguous)`);
      vocabLines.push(tok);
    }
    const s = this.specialTokens;
    const specialsMap = { unk_token: s.unk, sep_token: s.sep, pad_token: s.pad, cls_token: s.cls, mask_token: s.mask };
    const addedDecoder: Record<string, object> = {};
    for (const t of this.addedTokens) {
      const { id, ...rest } = t;
      addedDecoder[String(id)] = rest;
    }
    const config = {
      tokenizer_class: "BertTokenizer",
      do_lower_case: this.basic.lowercase,
      strip_accents: this.basic.stripAccents,
      tokenize_chinese_chars: this.basic.handleChineseChars,
      do_basic_tokenize: true,
      never_split: null,
      clean_up_tokenization_spaces: true,
      model_max_length: this.modelMaxLength,
      ...specialsMap,
      added_tokens_decoder: addedDecoder,
    };
    writeFileAtomic(path.join(dir, "tokenizer.json"), JSON.stringify(wordPieceToJson(this), null, 2) + "\n");
    writeFileAtomic(path.join(dir, "vocab.txt"), vocabLines.join("\n") + "\n");
    writeFileAtomic(path.join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2) + "\n");
    writeFileAtomic(path.join(dir, "special_tokens_map.json"), JSON.stringify(specialsMap, null, 2) + "\n");
  }
}

/** HF's clean_up_tokenization. */
export function cleanUpTokenization(s: string): string {
  return s
    .replace(/ \./g, ".").replace(/ \?/g, "?").replace(/ !/g, "!").replace(/ ,/g, ",")
    .replace(/ ' /g, "'").replace(/ n't/g, "n't").replace(/ 'm/g, "'m").replace(/ 's/g, "'s")
    .replace(/ 've/g, "'ve").replace(/ 're/g, "'re");
}

export function defaultAddedTokens(vocab: ReadonlyMap<string, number>, specials: SpecialTokens): AddedToken[] {
  const names = [specials.pad, specials.unk, specials.cls, specials.sep, specials.mask];
  const out: AddedToken[] = [];
  for (const content of new Set(names)) {
    const id = vocab.get(content);
    if (id === undefined) continue; // BaseTokenizer reports a missing special token clearly
    out.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** vocab.txt: one token per line, the line number is the id. */
export function parseVocabTxt(text: string): Map<string, number> {
  const vocab = new Map<string, number>();
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => {
    const tok = line.replace(/\r$/, "");
    if (!vocab.has(tok)) vocab.set(tok, i);
  });
  return vocab;
}
