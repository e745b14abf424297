// The run folder a fine-tuning run leaves behind (src/runs format), and the checks on --out made
// before any training, so that a bad output path costs nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import { isRunFolder, notARunReason, notReplaceableReason } from "../../runs/runDefinition";
import { recoverInterruptedReplace, type RunContents } from "../../runs/runFolder";
import { describeDifferences, identityDifferences } from "../../runs/runIdentity";
import type { Predictions } from "./evaluate";
import { makeDirs } from "../../util/makeDirs";
import { HOST, TEMP_PREFIX, isAbandonedTemporary } from "../../util/tempNames";
import { claimRun } from "../sweep/runLock";
import { PARENT_ENV } from "../sweep/parentWatch";

export type OutputState = "free" | "finished";

/**
 * "finished" when `out` already holds a finished run (a run folder: runs/runDefinition.ts, the one
 * definition the sweep and the store use too); "free" when the run can be written there. Throws,
 * naming the path, when it cannot.
 */
export function checkOutput(out: string, overwrite: boolean): OutputState {
  recoverInterruptedReplace(out); // a replacement killed half-way: finish it before anything else
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new Error(`--out ${out} is a file, not a run folder; choose another path`);
    if (overwrite) {
      const refusal = notReplaceableReason(out);
      if (refusal) throw new Error(`--out ${out}: --overwrite replaces only a run folder, and ${refusal}; nothing was removed, choose another --out`);
      return "free";
    }
    if (isRunFolder(out)) return "finished";
    if (fs.readdirSync(out).length > 0) {
      throw new Error(`--out ${out} exists and is not a finished run (${notARunReason(out)}); remove it, pass --overwrite, or choose another folder`);
    }
  }
  const parent = path.dirname(out);
  removeAbandonedTemporaries(out);
  try {
    makeDirs(parent);
    const probe = path.join(parent, `.probe-${path.basename(out)}-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    throw new Error(`--out ${out} cannot be written (${(err as Error).message}); choose a writable folder or fix its permissions`);
  }
  return "free";
}

/**
 * Claims `out` for this fine-tuning run (the sweep's lock file beside it), so that two runs into
 * one folder never silently replace each other's results; returns its release. A run started by a
 * sweep finds the lock its sweep took for it (the sweep names itself in INSTABILITY_SWEEP_PARENT).
 */
export function lockOutput(out: string): () => void {
  const claim = claimRun(out);
  if ("lock" in claim) return () => claim.lock.release();
  const owner = claim.heldBy;
  if (owner !== "unknown" && owner.host === HOST && owner.pid === Number(process.env[PARENT_ENV])) return () => {};
  const who = owner === "unknown" ? "another process" : `process ${owner.pid}${owner.host === HOST ? "" : " on another host"}`;
  throw new Error(`--out ${out} is being written by ${who} right now; wait for it to finish, or choose another --out`);
}

/**
 * Removes the half-written temporaries of this very run folder left by a killed finetune (their
 * owner process is gone; src/util/tempNames), so that no sweep is needed to clean them up.
 */
function removeAbandonedTemporaries(out: string): void {
  const parent = path.dirname(out);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  const mine = `${TEMP_PREFIX}${path.basename(out)}-`;
  for (const name of names) {
    if (name.startsWith(mine) && isAbandonedTemporary(name)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Why the finished run in `dir` is not the run asked for (its config.json against `settings`,
 * src/runs/runIdentity), or undefined when it is and may be reused.
 */
export function finishedRunMismatch(dir: string, settings: Record<string, unknown>, saveFinal: boolean): string | undefined {
  const file = path.join(dir, "config.json");
  if (!fs.existsSync(file)) return "it has no config.json, so its settings are unknown";
  let found: Record<string, unknown>;
  try {
    found = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return `its config.json is not valid JSON (${(err as Error).message})`;
  }
  const diffs = identityDifferences(found, settings);
  if (diffs.length) return `found vs asked: ${describeDifferences(diffs)}`;
  if (saveFinal && !fs.existsSync(path.join(dir, "final", "logits.npy"))) return "--save-final asked, but it kept no final/ model";
  return undefined;
}

/** A run folder's arrays and JSON from test-half predictions (hidden states required). */
export function runContents(p: Predictions, labels: Int32Array, metrics: Record<string, unknown>, config: Record<string, unknown>): RunContents {
  const contents: RunContents = {
    logits: { data: p.logits, shape: [p.n, p.numLabels] },
    labels: { data: labels, shape: [p.n] },
    metrics,
    config,
  };
  if (p.hidden) {
    contents.hidden = { data: p.hidden, shape: [p.layers!, p.n, p.width!] };
    contents.hiddenIndexing = "hf"; // predict() stores output_hidden_states: the embedding output, then every block
  }
  return contents;
}
