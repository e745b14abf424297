import { test } from "node:test";
import * as assert from "node:assert/strict";
import { buildEmbeddedTask, EMBEDDED_SIZES, EMBEDDED_TASK_NAMES, cleanPassage } from "../../src/data/embeddedTasks";
import { loadTask } from "../../src/data/loadTask";
import { SPAM_SIZES } from "../../src/data/spamTask";
import { splitSentences, sotuAddresses } from "../../src/data/sotu";
import type { Example } from "../../src/data/types";

const SPLITS = ["train", "validation", "test"] as const;

function texts(examples: Example[]): string[] {
  return examples.flatMap((e) => (e.textPair === undefined ? [e.text] : [e.text, e.textPair]));
}

for (const name of EMBEDDED_TASK_NAMES) {
  test(`${name}: sizes, exact label balance, metadata`, () => {
    const t = loadTask(name);
    assert.equal(t.name, name);
    assert.equal(t.source, "embedded");
    assert.equal(t.numLabels, 2);
    assert.equal(t.labelNames.length, 2);
    const sizes = name === "spam" ? SPAM_SIZES : EMBEDDED_SIZES;
    for (const s of SPLITS) {
      assert.equal(t[s].length, sizes[s], `${name} ${s}`);
      assert.equal(t[s].filter((e) => e.label === 1).length, sizes[s] / 2);
      for (const e of t[s]) {
        assert.ok(e.label === 0 || e.label === 1);
        assert.equal(e.textPair !== undefined, t.isPair);
        assert.ok(e.text.trim().length > 0);
      }
    }
    assert.ok(t.train.length <= 2500);
  });

  test(`${name}: deterministic (rebuilt from scratch equals the cached task)`, () => {
    assert.deepEqual(buildEmbeddedTask(name), loadTask(name));
  });

  test(`${name}: no text (or sentence of 8+ words) is shared between splits`, () => {
    const t = loadTask(name);
    const norm = (x: string) => x.toLowerCase();
    const trainTexts = new Set(texts(t.train).map(norm));
    for (const s of ["validation", "test"] as const) for (const x of texts(t[s])) assert.ok(!trainTexts.has(norm(x)), x);
    const sentencesOf = (exs: Example[]) => new Set(texts(exs).flatMap(splitSentences).filter((s) => s.split(" ").length >= 8));
    const train = sentencesOf(t.train);
    for (const s of ["validation", "test"] as const) {
      const shared = [...sentencesOf(t[s])].filter((x) => train.has(x));
      assert.deepEqual(shared, [], `${name}: ${s} shares sentences with train`);
    }
  });

  test(`${name}: no party name or president's surname in any text`, { skip: name === "spam" && "not a SOTU task" }, () => {
    const surnames = sotuAddresses().map((a) => a.name.replace(/\bMc (\w)/, "Mc$1").replace(/ (Jr|Sr)\.?$/, "").split(" ").at(-1)!);
    const surname = new RegExp(`\\b(${surnames.join("|")})\\b`);
    for (const s of SPLITS) {
      for (const x of texts(loadTask(name)[s])) {
        assert.doesNotMatch(x, /\b(democrat|republican)/i);
        assert.doesNotMatch(x, surname);
        assert.doesNotMatch(x, /\b(Vice President|Speaker|Senator) [A-Z]/);
      }
    }
  });
}

test("sotu-party: each label is the party of the passage's source address, from 1885 on", () => {
  const t = loadTask("sotu-party");
  // Each text must come from an address of the labelled party (found by substring search).
  const byParty = { 0: sotuAddresses().filter((a) => a.party === "Democratic"), 1: sotuAddresses().filter((a) => a.party === "Republican") };
  for (const e of t.test.slice(0, 60)) {
    const first = splitSentences(e.text)[0];
    const from = sotuAddresses().filter((a) => a.text.includes(first));
    assert.ok(from.length >= 1, first);
    assert.ok(from.some((a) => byParty[e.label as 0 | 1].includes(a)), `label ${e.label} for: ${first}`);
    assert.ok(from.every((a) => a.year >= 1885));
  }
});

test("sotu-pair: label 1 iff both passages come from one address", () => {
  const t = loadTask("sotu-pair");
  const addressesOf = (text: string) => {
    const first = splitSentences(text)[0];
    return new Set(sotuAddresses().filter((a) => a.text.includes(first)).map((a) => `${a.year}:${a.name}`));
  };
  for (const e of t.validation.slice(0, 80)) {
    const a = addressesOf(e.text);
    const b = addressesOf(e.textPair!);
    const common = [...a].some((x) => b.has(x));
    assert.equal(common, e.label === 1, `${e.text} || ${e.textPair}`);
  }
});

test("cleanPassage drops all-caps section headings only", () => {
  assert.equal(cleanPassage("costs. GOVERNMENT ECONOMY It is a principle."), "costs. It is a principle.");
  assert.equal(cleanPassage("The NATO alliance and the U.S. Navy."), "The NATO alliance and the U.S. Navy.");
});

test("spam: e-mail text without headers, URLs, addresses or quoted-printable escapes", () => {
  const t = loadTask("spam");
  for (const s of SPLITS) {
    for (const e of t[s]) {
      assert.doesNotMatch(e.text, /^(From|Received|Subject|Return-Path):/m);
      assert.doesNotMatch(e.text, /https?:\/\/|www\./i);
      assert.doesNotMatch(e.text, /\S+@\S+\.\S+/);
      assert.doesNotMatch(e.text, /[a-z]= [a-z]|=[0-9A-F]{2}/);
      assert.ok(e.text.split(" ").length <= 32);
    }
  }
});
