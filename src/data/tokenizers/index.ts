// Public API of src/data/tokenizers: BERT WordPiece and RoBERTa byte-level BPE, exactly as
// Hugging Face's BertTokenizer / RobertaTokenizer, reading and writing HF tokenizer files.
//
// Why our own implementation at runtime rather than @huggingface/tokenizers: that port has no
// truncation (method.md needs longest_first pairs at 128), cannot save files (the project trains
// and ships its own vocabulary), and differs from HF where it matters to us (an empty second
// sentence is dropped; RoBERTa pairs get token_type_id 1, outside RoBERTa's one-row type table;
// supplementary-plane CJK is not isolated). It serves instead as the independent reference in
// test/data/tokenizers/hf-reference.test.ts, which it can only be if it is not also the code
// under test.
export type { Batch, Encoding, EncodeOptions, Tokenizer, AddedToken } from "./types";
export { DEFAULT_MAX_LENGTH } from "./types";
export { basicTokenize, BERT_UNCASED, type BasicTokenizerOptions } from "./basic";
export { WordPieceTokenizer, BERT_SPECIAL_TOKENS, type WordPieceOptions } from "./wordpiece";
export { trainWordPiece, type WordPieceTrainerOptions, type TrainingStats } from "./trainer";
export { truncateLongestFirst } from "./truncation";
export { RobertaTokenizer, ROBERTA_SPECIAL_TOKENS, bytesToUnicode, type RobertaOptions } from "./bpe";
export { loadTokenizer, tokenizerFromJson } from "./load";
