// Instability level vs agreement between measures (method.md §7.3): per model, each
// configuration's SD (seeds 0–9) against each measure's mean bootstrap correlation with the six
// measures, z-standardised per measure across configurations; Pearson r over all points.
// The points share configurations, so p is optimistic; the report says so.
import type { Row } from "../util/row";
import { SIX_MEASURES } from "./benchmark";
import type { Bootstrap } from "./bootstrap";
import { toFrame, type DataFrame } from "./frame";
import { mean, pearsonTest, zScores } from "./stats";
import type { Skipped } from "./validity";

export interface SdAgreementOptions {
  /**
   * Tasks left out. Default: tasks with runs of one method only — the paper leaves SST-2 out
   * because it has Standard runs only (method.md §7.3); a task with every method counts.
   */
  excludeTasks?: string[];
}

export interface SdAgreement {
  /** model, task, method, measure, sd, meanCorrelation, z */
  points: Row[];
  /** model, configurations, points, r, p */
  summary: Row[];
  skipped: Skipped[];
}

export function computeSdAgreement(boot: Bootstrap, opts: SdAgreementOptions = {}): SdAgreement {
  const key = (t: string) => t.toLowerCase().replace(/-/g, "");
  const methodsOf = (model: string, task: string) => new Set(boot.configs.filter((c) => c.model === model && c.task === task).map((c) => c.method)).size;
  const excluded = (model: string, task: string) => (opts.excludeTasks ? opts.excludeTasks.map(key).includes(key(task)) : methodsOf(model, task) < 2);
  const out: SdAgreement = { points: [], summary: [], skipped: [] };
  const models = [...new Set(boot.configs.map((c) => c.model))];
  for (const model of models) {
    const configs = boot.configs.filter((c) => c.model === model && !excluded(model, c.task));
    if (configs.length < 3) {
      out.skipped.push({ what: model, reason: `${configs.length} bootstrapped configuration(s); the SD–agreement relation needs at least 3` });
      continue;
    }
    const xs: number[] = [];
    const ys: number[] = [];
    SIX_MEASURES.forEach((measure, k) => {
      // each measure's mean correlation with all six, itself included (method.md §7.3)
      const meanCorr = configs.map((c) => {
        const row = c.matrix[k].filter(Number.isFinite);
        return row.length === SIX_MEASURES.length ? mean(row) : NaN;
      });
      const usable = meanCorr.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v));
      if (usable.length < 2) return;
      const z = zScores(usable.map(([v]) => v));
      usable.forEach(([v, i], t) => {
        const c = configs[i];
        out.points.push({ model, task: c.task, method: c.method, learningRate: c.learningRate, measure, sd: c.sd, meanCorrelation: v, z: z[t] });
        if (Number.isFinite(z[t])) (xs.push(c.sd), ys.push(z[t]));
      });
    });
    if (xs.length < 3) {
      out.skipped.push({ what: model, reason: "fewer than 3 usable points (measures constant across resamples or configurations)" });
      continue;
    }
    const t = pearsonTest(xs, ys);
    out.summary.push({ model, configurations: configs.length, points: xs.length, r: t.r, p: t.p });
  }
  return out;
}

export function sdAgreement(boot: Bootstrap, opts: SdAgreementOptions = {}): DataFrame {
  return toFrame(computeSdAgreement(boot, opts).summary, ["model", "configurations", "points", "r", "p"]);
}
