// Reads a tokenizer from a Hugging Face checkpoint directory: tokenizer.json when present, else
// the slow-tokenizer files (vocab.txt for BERT, vocab.json + merges.txt for RoBERTa).
import * as fs from "node:fs";
import * as path from "node:path";
import type { SpecialTokens } from "./base";
import type { BasicTokenizerOptions } from "./basic";
import { parseMergesTxt, RobertaTokenizer, ROBERTA_SPECIAL_TOKENS } from "./bpe";
import { readJson, readText } from "./files";
import type { AddedToken, Tokenizer } from "./types";
import { BERT_SPECIAL_TOKENS, parseVocabTxt, WordPieceTokenizer } from "./wordpiece";

type Json = Record<string, unknown>;

export function loadTokenizer(dir: string): Tokenizer {
  try {
    return loadFrom(dir);
  } catch (err) {
    const msg = (err as Error).message;
    // Errors from the tokenizer classes (a missing special token) do not know the folder.
    throw msg.includes(dir) ? err : new Error(`tokenizer in '${dir}': ${msg}`);
  }
}

function loadFrom(dir: string): Tokenizer {
  const file = (name: string): string => path.join(dir, name);
  const config = fs.existsSync(file("tokenizer_config.json")) ? (readJson(file("tokenizer_config.json"), "tokenizer config") as Json) : {};
  if (fs.existsSync(file("tokenizer.json"))) {
    return tokenizerFromJson(readJson(file("tokenizer.json"), "tokenizer file") as Json, config, file("tokenizer.json"));
  }
  if (fs.existsSync(file("vocab.txt"))) {
    const vocab = parseVocabTxt(readText(file("vocab.txt"), "vocabulary"));
    const lowercase = config.do_lower_case !== false;
    return new WordPieceTokenizer(vocab, {
      basic: {
        lowercase,
        stripAccents: (config.strip_accents as boolean | null | undefined) ?? null,
        cleanText: true,
        handleChineseChars: config.tokenize_chinese_chars !== false,
      },
      specialTokens: specialNames(config, BERT_SPECIAL_TOKENS),
      modelMaxLength: maxLength(config),
    });
  }
  if (fs.existsSync(file("vocab.json")) && fs.existsSync(file("merges.txt"))) {
    const vocab = new Map(Object.entries(readJson(file("vocab.json"), "vocabulary") as Record<string, number>));
    const merges = parseMergesTxt(readText(file("merges.txt"), "merges"), file("merges.txt"));
    return new RobertaTokenizer(vocab, merges, {
      addPrefixSpace: config.add_prefix_space === true,
      specialTokens: specialNames(config, ROBERTA_SPECIAL_TOKENS),
      modelMaxLength: maxLength(config),
    });
  }
  throw new Error(
    `no tokenizer in '${dir}': expected tokenizer.json, vocab.txt (BERT) or vocab.json + merges.txt (RoBERTa); ` +
      `copy the tokenizer files of the checkpoint into it`,
  );
}

/** Builds a tokenizer from parsed tokenizer.json (and optionally tokenizer_config.json). */
export function tokenizerFromJson(json: Json, config: Json = {}, file = "tokenizer.json"): Tokenizer {
  const model = json.model as Json | undefined;
  const unsupported = (what: string, value: unknown): Error =>
    new Error(`${file}: unsupported ${what} ${JSON.stringify(value)}; only BERT WordPiece and RoBERTa byte-level BPE tokenizers are supported`);
  if (!model || typeof model.vocab !== "object") throw new Error(`${file}: no "model.vocab"; is this a Hugging Face tokenizer.json?`);
  const vocab = new Map(Object.entries(model.vocab as Record<string, number>));
  const added = ((json.added_tokens as AddedToken[] | undefined) ?? []).map(normalizeAdded);
  const post = json.post_processor as Json | null;
  const pre = json.pre_tokenizer as Json | null;
  const norm = json.normalizer as Json | null;

  if (model.type === "WordPiece") {
    if (pre && pre.type !== "BertPreTokenizer") throw unsupported("pre_tokenizer", pre.type);
    if (norm && norm.type !== "BertNormalizer") throw unsupported("normalizer", norm.type);
    const basic: BasicTokenizerOptions = norm
      ? {
          lowercase: norm.lowercase !== false,
          stripAccents: (norm.strip_accents as boolean | null | undefined) ?? null,
          cleanText: norm.clean_text !== false,
          handleChineseChars: norm.handle_chinese_chars !== false,
        }
      : { lowercase: false, stripAccents: false, cleanText: false, handleChineseChars: false };
    const [cls, sep] = clsSep(post, file, BERT_SPECIAL_TOKENS);
    const defaults = { ...BERT_SPECIAL_TOKENS, unk: (model.unk_token as string) ?? "[UNK]", cls, sep };
    return new WordPieceTokenizer(vocab, {
      basic,
      continuingSubwordPrefix: (model.continuing_subword_prefix as string) ?? "##",
      maxInputCharsPerWord: (model.max_input_chars_per_word as number) ?? 100,
      specialTokens: specialNames(config, defaults, true),
      addedTokens: added,
      modelMaxLength: maxLength(config),
    });
  }
  if (model.type === "BPE") {
    if (!pre || pre.type !== "ByteLevel") throw unsupported("pre_tokenizer", pre?.type ?? null);
    if (norm) throw unsupported("normalizer", norm.type);
    if (model.continuing_subword_prefix || model.end_of_word_suffix || model.dropout) {
      throw unsupported("BPE option", { continuing_subword_prefix: model.continuing_subword_prefix, end_of_word_suffix: model.end_of_word_suffix, dropout: model.dropout });
    }
    const merges = ((model.merges as (string | [string, string])[]) ?? []).map((m, i) => {
      const pair = typeof m === "string" ? m.split(" ") : m;
      if (pair.length !== 2) throw new Error(`${file}: model.merges[${i}] = ${JSON.stringify(m)} is not a pair`);
      return [pair[0], pair[1]] as [string, string];
    });
    const [cls, sep] = clsSep(post, file, ROBERTA_SPECIAL_TOKENS);
    return new RobertaTokenizer(vocab, merges, {
      addPrefixSpace: pre.add_prefix_space === true,
      specialTokens: specialNames(config, { ...ROBERTA_SPECIAL_TOKENS, cls, sep }, true),
      addedTokens: added,
      modelMaxLength: maxLength(config),
    });
  }
  throw unsupported("model type", model.type);
}

/** [CLS]/[SEP] (or <s>/</s>) names from the post-processor. */
function clsSep(post: Json | null, file: string, d: SpecialTokens): [string, string] {
  if (!post) return [d.cls, d.sep];
  if (post.type === "BertProcessing" || post.type === "RobertaProcessing") {
    return [(post.cls as [string, number])[0], (post.sep as [string, number])[0]];
  }
  if (post.type === "TemplateProcessing") {
    const single = post.single as Json[];
    const names = single.filter((p) => p.SpecialToken).map((p) => (p.SpecialToken as Json).id as string);
    if (names.length !== 2 || !(single[0] as Json).SpecialToken) {
      throw new Error(`${file}: post_processor template ${JSON.stringify(single)} is not "CLS $A SEP"; only BERT/RoBERTa templates are supported`);
    }
    return [names[0], names[1]];
  }
  throw new Error(`${file}: unsupported post_processor ${JSON.stringify(post.type)}; expected TemplateProcessing, BertProcessing or RobertaProcessing`);
}

/** tokenizer_config.json names special tokens as strings or as AddedToken objects. */
function specialNames(config: Json, d: SpecialTokens, keepClsSep = false): SpecialTokens {
  const name = (key: string, fallback: string): string => {
    const v = config[key];
    if (typeof v === "string") return v;
    if (v && typeof v === "object" && typeof (v as Json).content === "string") return (v as Json).content as string;
    return fallback;
  };
  return {
    pad: name("pad_token", d.pad),
    unk: name("unk_token", d.unk),
    cls: keepClsSep ? d.cls : name("cls_token", d.cls),
    sep: keepClsSep ? d.sep : name("sep_token", d.sep),
    mask: name("mask_token", d.mask),
  };
}

function maxLength(config: Json): number | undefined {
  const m = config.model_max_length;
  return typeof m === "number" && m < 1e9 ? m : undefined;
}

function normalizeAdded(t: Partial<AddedToken>): AddedToken {
  return {
    id: t.id!,
    content: t.content!,
    single_word: t.single_word ?? false,
    lstrip: t.lstrip ?? false,
    rstrip: t.rstrip ?? false,
    normalized: t.normalized ?? false,
    special: t.special ?? false,
  };
}
