import { test } from "node:test";
import * as assert from "node:assert/strict";
import { pretrainingCorpus, pretrainingCorpusStats } from "../../src/data/pretrainingCorpus";
import { EMBEDDED_TASK_NAMES } from "../../src/data/embeddedTasks";
import { loadTask } from "../../src/data/loadTask";
import { splitSentences } from "../../src/data/sotu";
import { bodyParagraphs, emailBody } from "../../src/data/emails";
import type { Example } from "../../src/data/types";

// Sentences of 8+ words: short stock phrases ("It's the right thing to do.") recur across
// addresses of one president, so they may appear in both a train and a test address.
function longSentences(texts: string[]): string[] {
  return texts.flatMap(splitSentences).map((s) => s.replace(/\s+/g, " ")).filter((s) => s.split(" ").length >= 8);
}

function exampleTexts(examples: Example[]): string[] {
  return examples.flatMap((e) => (e.textPair === undefined ? [e.text] : [e.text, e.textPair]));
}

const corpusSentences = new Set(longSentences(pretrainingCorpus()));

test("no sentence of an embedded task's validation or test split is in the pre-training corpus", () => {
  for (const name of EMBEDDED_TASK_NAMES) {
    const t = loadTask(name);
    for (const split of ["validation", "test"] as const) {
      const leaked = longSentences(exampleTexts(t[split])).filter((s) => corpusSentences.has(s));
      assert.deepEqual(leaked.slice(0, 3), [], `${name} ${split}: ${leaked.length} sentences leaked`);
    }
  }
});

test("the same check finds train-split text in the corpus (it can detect a leak)", () => {
  for (const name of EMBEDDED_TASK_NAMES) {
    // Spam is not pre-training text, only ham is; a spam-task text is cut at 32 words, so its last
    // sentence is usually a fragment, and paragraphs joined into one text blur sentence ends.
    const train = loadTask(name).train.filter((e) => name !== "spam" || e.label === 0);
    const sentences = longSentences(exampleTexts(train).map((t) => (name === "spam" ? t.replace(/[^.!?]*$/, "") : t)));
    const found = sentences.filter((s) => corpusSentences.has(s)).length;
    assert.ok(found / sentences.length > (name === "spam" ? 0.6 : 0.9), `${name}: only ${found}/${sentences.length} train sentences found`);
  }
});

test("corpus: deterministic, de-duplicated, all three sources present", () => {
  const docs = pretrainingCorpus();
  assert.equal(new Set(docs).size, docs.length);
  const stats = pretrainingCorpusStats();
  assert.equal(stats.documents, docs.length);
  assert.equal(stats.characters, docs.reduce((n, d) => n + d.length, 0));
  for (const s of ["sotu", "moby-dick", "ham-email"]) assert.ok(stats.bySource[s].documents > 1000, s);
  assert.ok(docs.some((d) => d.startsWith("Call me Ishmael.")));
  const headers = docs.filter((d) => /^(Received|Return-Path|Message-Id): /.test(d));
  assert.deepEqual(headers.slice(0, 2), [], "no e-mail headers");
});

test("e-mail bodies lose headers, quoted replies, tags and rules", () => {
  const msg = "From: a@b.c\nSubject: hi there\n\nForwarded:\nReceived: from x by y; 5 Sep 2002 with plenty of words in it here\n\nHello all, this is the first paragraph of the body text.\n> quoted line from the earlier message that we replied to\n-----\n\n<p>Second <b>paragraph</b> with enough words to be kept here.</p>\n\nshort one\n";
  const body = emailBody(msg);
  assert.ok(!body.includes("Subject"));
  assert.deepEqual(bodyParagraphs(body), [
    "Hello all, this is the first paragraph of the body text.",
    "Second paragraph with enough words to be kept here.",
  ]);
});
