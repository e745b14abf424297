// What every tokenizer shares once the model has cut text into tokens: special-token templates,
// longest_first truncation, and batches padded only as far as the longest row.
import { splitOnAddedTokens } from "./added-tokens";
import { truncateLongestFirst } from "./truncation";
import { DEFAULT_MAX_LENGTH, type AddedToken, type Batch, type EncodeOptions, type Encoding, type Tokenizer } from "./types";

export interface SpecialTokens {
  pad: string;
  unk: string;
  cls: string;
  sep: string;
  mask: string;
}

export abstract class BaseTokenizer implements Tokenizer {
  abstract readonly kind: "wordpiece" | "bpe";
  readonly vocabSize: number;
  readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly maskTokenId: number;
  readonly unkTokenId: number;
  protected readonly idToTok: string[];
  /** BERT: [CLS] A [SEP] B [SEP]; RoBERTa: <s> A </s></s> B </s>. */
  protected abstract readonly sepsBetweenPair: number;
  /** token_type_id of the second sequence (BERT 1, RoBERTa 0). */
  protected abstract readonly pairTypeId: number;

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly addedTokens: readonly AddedToken[],
    readonly specialTokens: SpecialTokens,
  ) {
    const all = new Map(vocab);
    for (const t of addedTokens) all.set(t.content, t.id);
    this.idToTok = [];
    for (const [tok, id] of all) this.idToTok[id] = tok;
    this.vocabSize = this.idToTok.length;
    const need = (name: keyof SpecialTokens): number => {
      const id = all.get(specialTokens[name]);
      if (id === undefined) {
        throw new Error(`${name} token '${specialTokens[name]}' is not in the vocabulary; add it to the vocab file`);
      }
      return id;
    };
    this.padTokenId = need("pad");
    this.unkTokenId = need("unk");
    this.clsTokenId = need("cls");
    this.sepTokenId = need("sep");
    this.maskTokenId = need("mask");
  }

  /** Tokens of plain text (no added tokens inside). */
  protected abstract modelTokenize(text: string): string[];
  abstract decode(ids: number[]): string;
  abstract save(dir: string): void;

  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const seg of splitOnAddedTokens(text, this.addedTokens)) {
      if ("id" in seg) out.push(this.idToTok[seg.id]);
      else for (const t of this.modelTokenize(seg.text)) out.push(t);
    }
    return out;
  }

  idToToken(id: number): string {
    const tok = this.idToTok[id];
    if (tok === undefined) throw new Error(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    return tok;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token) ?? this.addedTokens.find((t) => t.content === token)?.id;
  }

  private ids(text: string): number[] {
    return this.tokenize(text).map((t) => this.vocab.get(t) ?? this.tokenToId(t) ?? this.unkTokenId);
  }

  encode(text: string, pair?: string, opts: EncodeOptions = {}): Encoding {
    const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
    const specials = pair === undefined ? 2 : 2 + this.sepsBetweenPair;
    if (!Number.isInteger(maxLength) || maxLength < specials) {
      throw new Error(`maxLength ${maxLength} is too small: it must be an integer >= ${specials} (the special tokens)`);
    }
    const [a, b] = truncateLongestFirst(this.ids(text), pair === undefined ? null : this.ids(pair), maxLength - specials);
    const inputIds = [this.clsTokenId, ...a, this.sepTokenId];
    const tokenTypeIds = new Array<number>(inputIds.length).fill(0);
    if (b !== null) {
      for (let i = 1; i < this.sepsBetweenPair; i++) {
        inputIds.push(this.sepTokenId);
        tokenTypeIds.push(0);
      }
      inputIds.push(...b, this.sepTokenId);
      for (let i = 0; i <= b.length; i++) tokenTypeIds.push(this.pairTypeId);
    }
    return { inputIds, tokenTypeIds, attentionMask: new Array<number>(inputIds.length).fill(1) };
  }

  encodeBatch(items: { text: string; textPair?: string }[], opts: EncodeOptions = {}): Batch {
    const encs = items.map((it) => this.encode(it.text, it.textPair, opts));
    const seqLength = encs.reduce((m, e) => Math.max(m, e.inputIds.length), 0);
    const n = encs.length * seqLength;
    const batch: Batch = {
      inputIds: new Int32Array(n).fill(this.padTokenId),
      tokenTypeIds: new Int32Array(n),
      attentionMask: new Int32Array(n),
      batchSize: encs.length,
      seqLength,
    };
    encs.forEach((e, row) => {
      batch.inputIds.set(e.inputIds, row * seqLength);
      batch.tokenTypeIds.set(e.tokenTypeIds, row * seqLength);
      batch.attentionMask.set(e.attentionMask, row * seqLength);
    });
    return batch;
  }
}
