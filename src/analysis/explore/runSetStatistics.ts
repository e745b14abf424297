// The quantities of a run set as statistics of a list of its runs (repeats allowed), so that
// resampling seeds recomputes nothing: the mean task metric and SD from the scores, I_pwd, I_JSD
// and the representation measures (top measured block) from the pair matrices (pairs of distinct
// runs, as the findings' CIs), I_κ from the drawn runs' predictions.
import { fleissKappa } from "../../measures/fleissKappa";
import { measureRunsDetailed, predictionInputs } from "../../measures/runMeasures";
import { REPRESENTATION_MEASURES, type RepresentationMeasure } from "../../measures/representationMeasures";
import { standardDeviation } from "../../measures/standardDeviation";
import { TASK_METRICS, type TaskMetric } from "../../measures/taskMetrics";
import { defaultLayerEntries, setLayerIndexing, blockNumbers } from "../../runs/layerIndexing";
import type { RunSet } from "../../runs/runFolder";
import { distinctPairMean, meanOf } from "../findings/ci";

export interface Quantity {
  /** "metric", "sd", "pwd", "kappa", "jsd", or a representation measure's name. */
  name: string;
  /** Its value over all runs. */
  value: number;
  stat: (drawn: number[]) => number;
}

export interface RunSetStatistics {
  dir: string;
  runs: string[];
  metric: TaskMetric;
  quantities: Quantity[];
  /** The block the representation measures are read at (the top measured one). */
  block?: number;
  /** Per run, its predictions (for paired comparisons over examples). */
  preds: Int32Array[];
  scores: number[];
}

export interface StatisticsOptions {
  metric?: TaskMetric;
  /** Representation measures at the top block (default the paper's three; [] for none). */
  measures?: readonly RepresentationMeasure[];
  knn?: number;
}

/** The metric every run's metrics.json names (the exporter and finetune write it), else accuracy. */
export function recordedMetric(set: RunSet): TaskMetric {
  const named = new Set(set.runs.map((r) => r.metrics?.metric));
  const only = named.size === 1 ? [...named][0] : undefined;
  return typeof only === "string" && (TASK_METRICS as readonly string[]).includes(only) ? (only as TaskMetric) : "accuracy";
}

export function runSetStatistics(set: RunSet, o: StatisticsOptions = {}): RunSetStatistics {
  const metric = o.metric ?? recordedMetric(set);
  const measures = o.measures ?? REPRESENTATION_MEASURES;
  const info = setLayerIndexing(set);
  const top = info && set.layers !== undefined ? defaultLayerEntries(info.indexing, set.layers).pop() : undefined;
  const withRep = measures.length > 0 && top !== undefined;
  const { report, pairs } = measureRunsDetailed(set, { metric, measures, knn: o.knn, representation: withRep, layers: withRep ? [top!] : undefined });
  const { preds, numClasses } = predictionInputs(set);
  const R = set.runs.length;
  const scores = report.scores;
  const quantities: Quantity[] = [
    { name: "metric", value: meanOf(scores, all(R)), stat: (d) => meanOf(scores, d) },
    { name: "sd", value: report.prediction.sd, stat: (d) => standardDeviation(scores, d) },
    { name: "pwd", value: report.prediction.pwd, stat: (d) => distinctPairMean(pairs.pwd, R, d) },
    { name: "kappa", value: report.prediction.kappa, stat: (d) => 1 - fleissKappa(d.map((i) => preds[i]), numClasses) },
    { name: "jsd", value: report.prediction.jsd, stat: (d) => distinctPairMean(pairs.jsd, R, d) },
  ];
  const rep = pairs.representation;
  if (rep) for (const m of rep.measures) quantities.push({ name: m, value: distinctPairMean(rep.matrices[m][0], R, all(R)), stat: (d) => distinctPairMean(rep.matrices[m][0], R, d) });
  const block = withRep ? blockNumbers(info!.indexing, set.layers!)[top!] : undefined;
  return { dir: set.dir, runs: report.runs, metric, quantities, ...(block !== undefined ? { block } : {}), preds, scores };
}

function all(R: number): number[] {
  return Array.from({ length: R }, (_, i) => i);
}
