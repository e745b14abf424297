// BERT's BasicTokenizer (HF `BertNormalizer` + `BertPreTokenizer`): clean the text, put spaces
// around CJK ideographs, lower-case and strip accents, split on whitespace and punctuation.
// Character classes follow transformers' tokenization_bert.py (the slow reference tokenizer).

export interface BasicTokenizerOptions {
  lowercase: boolean;
  /** null: follow `lowercase` (HF's default); true/false forces it. */
  stripAccents: boolean | null;
  cleanText: boolean;
  handleChineseChars: boolean;
}

export const BERT_UNCASED: BasicTokenizerOptions = {
  lowercase: true,
  stripAccents: null,
  cleanText: true,
  handleChineseChars: true,
};

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NON_SPACING_MARK = /\p{Mn}/gu;

/** Python's str.split() whitespace; after cleaning, these are the only separators left. */
function isSplitWhitespace(cp: number): boolean {
  return (
    cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f) || cp === 0x85 ||
    cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 ||
    cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000
  );
}

/** BERT's _is_whitespace: space, \t, \n, \r and category Zs. */
function isBertWhitespace(cp: number, ch: string): boolean {
  if (cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d) return true;
  return cp >= 0x80 && SPACE_SEPARATOR.test(ch);
}

/** BERT's _is_control: any category C except \t, \n, \r (which count as whitespace). */
function isBertControl(cp: number, ch: string): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  if (cp < 0x20 || cp === 0x7f) return true;
  return cp >= 0x80 && CONTROL.test(ch);
}

/** BERT's _is_punctuation: all non-alphanumeric ASCII (e.g. $, ^, `) plus Unicode category P. */
export function isBertPunctuation(cp: number, ch: string): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  return cp >= 0x80 && PUNCTUATION.test(ch);
}

/** The CJK Unified Ideographs blocks BERT isolates (not Hiragana, Katakana or Hangul). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

// Character classes of ASCII, looked up instead of tested: most text is ASCII.
const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
const DROP = 3;
const ASCII_CLASS = new Uint8Array(128).map((_, cp) => {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d || cp === 0x20) return SPACE;
  if (cp < 0x20 || cp === 0x7f) return DROP; // controls (\v and \f included, as in BERT)
  return isBertPunctuation(cp, String.fromCharCode(cp)) ? PUNCT : WORD;
});

/** Lower-casing and accent stripping of a word that has non-ASCII characters. */
function normalizeWord(word: string, opts: BasicTokenizerOptions): string {
  // Lower-casing a whole word (not char by char) keeps Python's final-sigma rule.
  if (opts.lowercase) word = word.toLowerCase();
  const strip = opts.stripAccents ?? opts.lowercase;
  if (strip) word = word.normalize("NFD").replace(NON_SPACING_MARK, "");
  return word;
}

function splitOnPunctuation(word: string, ascii: boolean, out: string[]): void {
  let start = 0;
  let i = 0;
  while (i < word.length) {
    const cp = ascii ? word.charCodeAt(i) : word.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const punct = cp < 128 ? ASCII_CLASS[cp] === PUNCT : isBertPunctuation(cp, word.slice(i, i + w));
    if (punct) {
      if (i > start) out.push(word.slice(start, i));
      out.push(word.slice(i, i + w));
      start = i + w;
    }
    i += w;
  }
  if (start < word.length) out.push(start === 0 ? word : word.slice(start));
}

/** Splits `text` into BERT basic tokens (the words WordPiece then cuts into pieces). */
export function basicTokenize(text: string, opts: BasicTokenizerOptions = BERT_UNCASED): string[] {
  const out: string[] = [];
  let buf = ""; // the current word up to the last dropped character inside it
  let start = 0; // where the current run of kept characters began
  let ascii = true;
  const flush = (end: number): void => {
    const word = buf.length > 0 ? buf + text.slice(start, end) : text.slice(start, end);
    buf = "";
    if (word.length === 0) {
      ascii = true;
      return;
    }
    if (ascii) {
      splitOnPunctuation(opts.lowercase ? word.toLowerCase() : word, true, out);
      return;
    }
    ascii = true;
    // Accent stripping can leave an empty word ("\u0301" alone) or expose whitespace.
    for (const piece of normalizeWord(word, opts).split(/\s+/)) if (piece) splitOnPunctuation(piece, false, out);
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      const cls = ASCII_CLASS[c];
      if (cls === SPACE || (cls === DROP && !opts.cleanText && isSplitWhitespace(c))) {
        flush(i);
        start = ++i;
      } else if (cls === DROP && opts.cleanText) {
        buf += text.slice(start, i);
        start = ++i;
      } else i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const ch = w === 1 ? text[i] : text.slice(i, i + 2);
    if (opts.cleanText && (cp === 0xfffd || isBertControl(cp, ch))) {
      buf += text.slice(start, i);
      start = i += w;
    } else if ((opts.cleanText && isBertWhitespace(cp, ch)) || isSplitWhitespace(cp)) {
      flush(i);
      start = i += w;
    } else if (opts.handleChineseChars && isChineseChar(cp)) {
      flush(i);
      out.push(ch);
      start = i += w;
    } else {
      ascii = false;
      i += w;
    }
  }
  flush(i);
  return out;
}
