// Notebook 01's lesson as library code: two toy run sets with the same accuracy, written to a run
// store and read back, their seven measures, and the sentence that says what the numbers show.
// The notebook's cells only call these, so every number and every word here is tested.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { measureRuns, type InstabilityReport } from "../../measures";
import { loadRuns, seedFolder, writeRun, type RunSet } from "../../runs";
import { label } from "../../runs/names";
import { methodValues, type FigureSpec } from "../../viz";
import type { Row } from "../../util/row";
import { toyRuns, type ToyRunsOptions } from "../toy";

/** The seven measures, coarse to fine (method.md §5). */
export const SEVEN_MEASURES = ["sd", "pwd", "kappa", "jsd", "svcca", "op", "cka"] as const;
export type SevenMeasure = (typeof SEVEN_MEASURES)[number];
export type SevenValues = Record<SevenMeasure, number>;

/** The two toy sets of NB01: the same accuracy, one of identical runs, one of runs that disagree. */
// (a type, not an interface: it must pass where a Record<string, RunSet> is asked for)
export type ToyPair = {
  identical: RunSet;
  different: RunSet;
};

export interface ToyStore {
  /** The temporary run store (one folder per set, one seed-NN folder per run). */
  dir: string;
  sets: ToyPair;
  /** Deletes the store this call created (and nothing else). */
  remove(): void;
}

/** Writes both toy sets into a fresh temporary run store, exactly as fine-tuning would, and reads them back. */
export function toyStore(opts: Omit<ToyRunsOptions, "identical"> = {}): ToyStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "instability-toy-"));
  const read = (name: "identical" | "different"): RunSet => {
    toyRuns({ ...opts, identical: name === "identical" }).forEach((contents, seed) => writeRun(path.join(dir, name, seedFolder(seed)), contents));
    return loadRuns(path.join(dir, name));
  };
  return { dir, sets: { identical: read("identical"), different: read("different") }, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** One row per seed: each set's test accuracy side by side. */
export function accuracyBySeed(sets: Record<string, RunSet>): Row[] {
  const names = Object.keys(sets);
  const seeds = Math.max(...names.map((n) => sets[n].runs.length));
  return Array.from({ length: seeds }, (_, i) => ({
    seed: i,
    ...Object.fromEntries(names.map((n) => [`${n} runs: accuracy`, sets[n].runs[i]?.metrics?.accuracy as number | undefined])),
  }));
}

export interface SevenMeasures<K extends string = string> {
  /** The layer whose representation measures are reported (the top one, as the paper does). */
  top: number;
  /** measureRuns per set, over every layer (the embeddings, 0, too). */
  reports: Record<K, InstabilityReport>;
  /** The seven numbers per set, representation measures at `top`. */
  values: Record<K, SevenValues>;
}

/** The seven measures of each set; representation measures at the top layer. */
export function sevenMeasures<K extends string>(sets: Record<K, RunSet>): SevenMeasures<K> {
  const entries = Object.entries(sets) as [K, RunSet][];
  if (entries.length === 0) throw new Error("sevenMeasures: pass at least one run set, e.g. { identical, different }");
  const top = Math.min(...entries.map(([, s]) => s.layers ?? 0)) - 1;
  if (top < 0) throw new Error("sevenMeasures: the run sets have no hidden states (hidden.npy); the representation measures need them");
  const reports = Object.fromEntries(entries.map(([name, set]) => [name, measureRuns(set, { layers: Array.from({ length: set.layers! }, (_, l) => l) })])) as Record<K, InstabilityReport>;
  const values = Object.fromEntries(entries.map(([name]) => {
    const r = reports[name], rep = r.representation!;
    return [name, { ...r.prediction, svcca: rep.svcca![top], op: rep.op![top], cka: rep.cka![top] }];
  })) as Record<K, SevenValues>;
  return { top, reports, values };
}

/** One row per set with its seven numbers. */
export function sevenMeasuresTable(m: SevenMeasures): Row[] {
  return Object.entries(m.values as Record<string, SevenValues>).map(([set, v]) => ({ set, ...v }));
}

/** The seven measures per set, one panel per measure (their scales differ). */
export function sevenMeasuresFigure(m: SevenMeasures, title = "Same accuracy, different instability"): FigureSpec {
  const values = m.values as Record<string, SevenValues>;
  const sets = Object.keys(values);
  return methodValues({ methods: sets, measures: SEVEN_MEASURES.map((k) => ({ measure: k, values: sets.map((s) => values[s][k]) })), cols: 4, title });
}

/** Below this a measure counts as "about 0" (the toy sets' finer measures are either ~1e-16 or > 0.01). */
const SEEN = 1e-3;

/** What the numbers show: SD cannot tell the sets apart, the finer measures can (or, if not, says so). */
export function sdIsNotEnoughSentence(v: { identical: SevenValues; different: SevenValues }): string {
  const fmt = (x: number) => x.toFixed(3);
  const names = (ms: readonly SevenMeasure[]) => ms.map((m) => label(m, "plain")).join(", ");
  const finer = SEVEN_MEASURES.filter((m) => m !== "sd");
  const seen = finer.filter((m) => v.different[m] > SEEN);
  const unseen = finer.filter((m) => !(v.different[m] > SEEN));
  const identicalZero = finer.every((m) => Math.abs(v.identical[m]) < 1e-6);
  const sameSd = Math.abs(v.identical.sd - v.different.sd) < 1e-12;
  return [
    `SD is ${fmt(v.identical.sd)} for the identical runs and ${fmt(v.different.sd)} for the different runs.`,
    `Every finer measure is ${identicalZero ? "0" : "not 0 (unexpected)"} for the identical runs.`,
    `For the different runs, ${seen.length ? `${names(seen)} ${seen.length === 1 ? "is" : "are"} above 0` : "no finer measure is above 0"}` +
      ` (I_pwd = ${fmt(v.different.pwd)}: two runs disagree on ${Math.round(100 * v.different.pwd)}% of the examples)` +
      (unseen.length ? `, while ${names(unseen)} stay${unseen.length === 1 ? "s" : ""} at about 0.` : "."),
    `I_SVCCA is ${fmt(v.different.svcca)}, ${(v.different.cka / Math.max(v.different.svcca, 1e-12)).toFixed(0)} times smaller than I_CKA.`,
    `So SD ${sameSd ? "cannot tell the two sets apart; the finer measures " + (seen.length ? "can" : "cannot either") : "differs between the sets here"}.`,
  ].join(" ");
}
