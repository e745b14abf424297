// The contract between tokenizers and the model/training layers. Shapes follow Hugging Face
// (`input_ids`, `token_type_ids`, `attention_mask`), batches are row-major [batch, seq].

export interface Encoding {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
}

export interface Batch {
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  batchSize: number;
  seqLength: number;
}

export interface EncodeOptions {
  /** Total length including special tokens; default 128 (method.md §2). */
  maxLength?: number;
}

export interface Tokenizer {
  readonly kind: "wordpiece" | "bpe";
  readonly vocabSize: number;
  readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly maskTokenId: number;
  readonly unkTokenId: number;
  /** Model tokens of `text`, without special tokens. */
  tokenize(text: string): string[];
  /** [CLS] A [SEP] (B [SEP]), truncated "longest_first" to maxLength (default 128). */
  encode(text: string, pair?: string, opts?: EncodeOptions): Encoding;
  /** Encodes every item and pads to the longest one in the batch (not to maxLength). */
  encodeBatch(items: { text: string; textPair?: string }[], opts?: EncodeOptions): Batch;
  decode(ids: number[]): string;
  idToToken(id: number): string;
  tokenToId(token: string): number | undefined;
  /** Writes Hugging Face tokenizer files into `dir` (created if needed), each atomically. */
  save(dir: string): void;
}

/** An entry of tokenizer.json's `added_tokens`. */
export interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export const DEFAULT_MAX_LENGTH = 128;
