// Does each mitigation method act? With the same seed (same head init, data order and dropout
// masks), a method that changes nothing gives Standard's logits to rounding; one that acts moves
// them about as far as another seed does. Per method: the mean over seeds s of the RMS logit
// difference to Standard's seed s, divided by the mean RMS difference between two Standard seeds.
import { label } from "../../runs/names";
import type { Row } from "../../util/row";
import { mean } from "../stats";
import type { Configuration, RunStore } from "../store";
import type { Gate } from "./finding";
import { fmt } from "./finding";
import type { SectionInputs } from "./findingSection";

/** A method acts when its same-seed distance is at least this share of the seed-to-seed distance. */
export const MIN_ACTION_RATIO = 0.5;

function rms(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

function logitsBySeed(store: RunStore, c: Configuration): Map<number, Float64Array> {
  const set = store.runs(c);
  return new Map(set.runs.map((r, i) => [c.seeds[i], r.logits]));
}

export interface MethodAction {
  model: string;
  task: string;
  method: string;
  seeds: number;
  sameSeed: number;
  seedToSeed: number;
  ratio: number;
}

export function methodActions(store: RunStore): MethodAction[] {
  const out: MethodAction[] = [];
  for (const { model, task } of store.modelTasks()) {
    const std = store.standard(model, task);
    if (!std) continue;
    const base = logitsBySeed(store, std);
    const seeds = [...base.keys()];
    const cross: number[] = [];
    for (let i = 0; i < seeds.length; i++) for (let j = i + 1; j < seeds.length; j++) cross.push(rms(base.get(seeds[i])!, base.get(seeds[j])!));
    const seedToSeed = mean(cross);
    for (const c of store.benchmark(model, task).filter((x) => x !== std)) {
      const own = logitsBySeed(store, c);
      const same = [...own.keys()].filter((s) => base.has(s)).map((s) => rms(own.get(s)!, base.get(s)!));
      const sameSeed = same.length ? mean(same) : NaN;
      out.push({ model, task, method: c.method, seeds: same.length, sameSeed, seedToSeed, ratio: sameSeed / seedToSeed });
    }
  }
  return out;
}

/** Every method's action check, computed once for the sections that read it (benchmark, kendall). */
export const sharedActions = (inputs: SectionInputs): MethodAction[] => inputs.shared("actions", () => methodActions(inputs.store));

export function actionRows(a: MethodAction[]): Row[] {
  return a.map((x) => ({ ...x }));
}

export function actsGate(a: MethodAction): Gate {
  return {
    name: "the method acts",
    ok: a.seeds > 0 && a.ratio >= MIN_ACTION_RATIO,
    detail: `${a.model}/${a.task} ${label(a.method, "plain")}: same-seed RMS logit difference to Standard ${fmt(a.sameSeed)} over ${a.seeds} seeds, ${fmt(a.ratio, 2)}× the seed-to-seed difference ${fmt(a.seedToSeed)} (need ≥ ${MIN_ACTION_RATIO}×)`,
  };
}
