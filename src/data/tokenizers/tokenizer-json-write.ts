// Serialises our tokenizers as HF tokenizer.json (the format of the Rust `tokenizers` crate),
// with the same component choices HF makes for bert-base-uncased and roberta-base.
// It reads the fields it needs through these shapes (the tokenizer classes have them), so the
// writer does not import the tokenizers that import it.
import type { SpecialTokens } from "./base";
import type { BasicTokenizerOptions } from "./basic";
import type { AddedToken } from "./types";

interface TokenizerFields {
  readonly vocab: ReadonlyMap<string, number>;
  readonly addedTokens: readonly AddedToken[];
  readonly specialTokens: SpecialTokens;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
}

export interface WordPieceFields extends TokenizerFields {
  readonly basic: BasicTokenizerOptions;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
}

export interface RobertaFields extends TokenizerFields {
  readonly merges: readonly [string, string][];
  readonly addPrefixSpace: boolean;
}

function vocabObject(vocab: ReadonlyMap<string, number>): Record<string, number> {
  const obj: Record<string, number> = {};
  for (const [tok, id] of [...vocab].sort((a, b) => a[1] - b[1])) obj[tok] = id;
  return obj;
}

export function wordPieceToJson(t: WordPieceFields): object {
  const s = t.specialTokens;
  const cls = t.clsTokenId;
  const sep = t.sepTokenId;
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const seq = (id: "A" | "B", typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: t.addedTokens,
    normalizer: {
      type: "BertNormalizer",
      clean_text: t.basic.cleanText,
      handle_chinese_chars: t.basic.handleChineseChars,
      strip_accents: t.basic.stripAccents,
      lowercase: t.basic.lowercase,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special(s.cls, 0), seq("A", 0), special(s.sep, 0)],
      pair: [special(s.cls, 0), seq("A", 0), special(s.sep, 0), seq("B", 1), special(s.sep, 1)],
      special_tokens: {
        [s.cls]: { id: s.cls, ids: [cls], tokens: [s.cls] },
        [s.sep]: { id: s.sep, ids: [sep], tokens: [s.sep] },
      },
    },
    decoder: { type: "WordPiece", prefix: t.prefix, cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: s.unk,
      continuing_subword_prefix: t.prefix,
      max_input_chars_per_word: t.maxInputCharsPerWord,
      vocab: vocabObject(t.vocab),
    },
  };
}

export function robertaToJson(t: RobertaFields): object {
  const s = t.specialTokens;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: t.addedTokens,
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: t.addPrefixSpace, trim_offsets: true, use_regex: true },
    post_processor: {
      type: "RobertaProcessing",
      sep: [s.sep, t.sepTokenId],
      cls: [s.cls, t.clsTokenId],
      trim_offsets: true,
      add_prefix_space: t.addPrefixSpace,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      vocab: vocabObject(t.vocab),
      merges: t.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}
