// Public API of src/data/tokenizers: BERT WordPiece and RoBERTa byte-level BPE, exactly as
// Hugging Face's BertTokenizer / RobertaTokenizer, reading and writing HF tokenizer files.
export type { Batch, Encoding, EncodeOptions, Tokenizer, AddedToken } from "./types";
export { DEFAULT_MAX_LENGTH } from "./types";
export { basicTokenize, BERT_UNCASED, type BasicTokenizerOptions } from "./basic";
export { WordPieceTokenizer, BERT_SPECIAL_TOKENS, type WordPieceOptions } from "./wordpiece";
export { trainWordPiece, type WordPieceTrainerOptions, type TrainingStats } from "./trainer";
export { truncateLongestFirst } from "./truncation";
export { RobertaTokenizer, ROBERTA_SPECIAL_TOKENS, bytesToUnicode, type RobertaOptions } from "./bpe";
export { loadTokenizer, tokenizerFromJson } from "./load";
