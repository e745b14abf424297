// The paper's protocol (method.md §2): the public GLUE dev set is split once per task, at random,
// into a new validation half (checkpoint selection) and a new test half (every measure), the
// test half getting ceil(n/2) examples. The split must be identical for every model and run, so
// it depends only on the task name and a fixed seed, never on global RNG state.
//
// Construction: Random(DEV_SPLIT_SEED).fork("dev-split:<task>").permutation(n); the first
// ceil(n/2) indices of the permutation form the test half, the rest the validation half; each
// half is then sorted ascending so examples keep their dev-file order. The resulting indices are
// committed in docs/tasks/glue-dev-split.json and a test checks they are reproduced.
import { Random } from "../util/random";

export const DEV_SPLIT_SEED = 20230215;

export interface DevSplit {
  validation: number[]; // indices into the official dev file's rows, ascending
  test: number[];
}

export function devSplitIndices(task: string, n: number, seed = DEV_SPLIT_SEED): DevSplit {
  if (!Number.isInteger(n) || n < 2) throw new Error(`devSplitIndices: need at least 2 dev examples for ${task}, got ${n}`);
  const perm = new Random(seed).fork(`dev-split:${task}`).permutation(n);
  const nTest = Math.ceil(n / 2);
  const asc = (a: number, b: number) => a - b;
  return { test: perm.slice(0, nTest).sort(asc), validation: perm.slice(nTest).sort(asc) };
}

/** Applies a split to a dev set. */
export function applyDevSplit<T>(dev: readonly T[], split: DevSplit): { validation: T[]; test: T[] } {
  const total = split.validation.length + split.test.length;
  if (total !== dev.length) throw new Error(`dev split covers ${total} rows but the dev set has ${dev.length}`);
  return { validation: split.validation.map((i) => dev[i]), test: split.test.map((i) => dev[i]) };
}
