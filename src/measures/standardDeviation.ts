// SD, the coarsest instability measure: the spread of the task metric over runs. Population SD
// (divide by R, not R−1), as in the reference outputs (method.md §5.1).
import type { MeasureDefinition } from "./measureDefinition";

/** Population standard deviation of `values` (optionally of values[runs[i]], repeats allowed). */
export function standardDeviation(values: ArrayLike<number>, runs?: ArrayLike<number>): number {
  const r = runs ? runs.length : values.length;
  if (r === 0) throw new RangeError("standard deviation of an empty list");
  const at = (i: number) => (runs ? values[runs[i]] : values[i]);
  let mean = 0;
  for (let i = 0; i < r; i++) mean += at(i);
  mean /= r;
  let ss = 0;
  for (let i = 0; i < r; i++) ss += (at(i) - mean) ** 2;
  return Math.sqrt(ss / r);
}

/** SD: the paper's coarsest measure, over the runs' task metric (runMeasures.ts computes it). */
export const SD_MEASURE: MeasureDefinition = {
  id: "sd",
  label: { html: "SD", plain: "SD" },
  aliases: ["std"],
  paper: { name: "standard deviation of the task metric", rank: 1 },
  help: "standard deviation of the task metric over runs",
};
