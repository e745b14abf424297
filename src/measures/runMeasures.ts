// All seven measures of a run set in one call: what `instability measure` prints and what an
// analysis starts from. Pair matrices are returned too, so resampling analyses can reuse them.
import { hiddenLayer, RunSet } from "../runs/runFolder";
import { blockNumbers, defaultLayerEntries, type LayerIndexing, setLayerIndexing } from "../runs/layerIndexing";
import { fleissKappa, KappaChance } from "./fleissKappa";
import { jensenShannonMatrix } from "./jensenShannon";
import { pairMean } from "./pairs";
import { pairwiseDisagreementMatrix } from "./pairwiseDisagreement";
import { representationMatricesParallel } from "./parallelLayers";
import { layerCurves, REPRESENTATION_MEASURES, RepresentationMatrices, representationMatrices, RepresentationMeasure } from "./representation";
import { RbfOptions } from "./kernelCka";
import type { MeasureSettings } from "./measureDefinition";
import { standardDeviation } from "./standardDeviation";
import { predictions, softmax, TaskMetric, taskMetric } from "./taskMetrics";

export interface PredictionInputs {
  /** Argmax predictions per run. */
  preds: Int32Array[];
  /** Softmax probabilities per run, [n, C] row-major. */
  probs: Float64Array[];
  labels: Int32Array;
  numClasses: number;
}

export function predictionInputs(set: RunSet): PredictionInputs {
  return {
    preds: set.runs.map((r) => predictions(r.logits, r.n, r.numClasses)),
    probs: set.runs.map((r) => softmax(r.logits, r.n, r.numClasses)),
    labels: set.runs[0].labels,
    numClasses: set.numClasses,
  };
}

export interface MeasureOptions {
  metric?: TaskMetric;
  /** 0-based indices into hidden.npy's first axis (default: every block, never the embedding output; runs/layerIndexing). */
  layers?: number[];
  chance?: KappaChance;
  /** Compute the representation measures when hidden states exist (default true). */
  representation?: boolean;
  /** Representation measures (default the paper's three, REPRESENTATION_MEASURES). */
  measures?: readonly RepresentationMeasure[];
  /** RBF bandwidth of cka-rbf (default threshold 0.5 of the median distance). */
  rbf?: RbfOptions;
  /** Neighbours k of mknn and cknna (default 10). */
  knn?: number;
  /** Settings of other measures, by their option's name (MeasureDefinition.options). */
  settings?: MeasureSettings;
  /** Measure on these examples only (sub-sampling, method.md §7.4); default all. */
  examples?: ArrayLike<number>;
  onLayer?: (done: number, total: number) => void;
}

export interface InstabilityReport {
  runs: string[];
  metric: TaskMetric;
  scores: number[];
  prediction: { sd: number; pwd: number; kappa: number; jsd: number };
  representation?: Partial<Record<RepresentationMeasure, number[]>>;
  /** With `representation`: the measured layers, as block numbers (0 = embedding output) and hidden.npy entries. */
  layers?: { blocks: number[]; entries: number[]; indexing: LayerIndexing; source: string };
}

export interface InstabilityDetails {
  report: InstabilityReport;
  layers: number[];
  pairs: { pwd: Float64Array; jsd: Float64Array; representation?: RepresentationMatrices };
}

function predictionPart(set: RunSet, opts: MeasureOptions): InstabilityDetails {
  const metric = opts.metric ?? "accuracy";
  const inputs = predictionInputs(set);
  const ex = opts.examples;
  const scores = inputs.preds.map((p) => taskMetric(metric, p, inputs.labels, ex, inputs.numClasses));
  const pwd = pairwiseDisagreementMatrix(inputs.preds, ex);
  const jsd = jensenShannonMatrix(inputs.probs, inputs.numClasses, ex);
  const R = set.runs.length;
  const report: InstabilityReport = {
    runs: set.runs.map((r) => r.name),
    metric,
    scores,
    prediction: {
      sd: standardDeviation(scores),
      pwd: pairMean(pwd, R),
      kappa: 1 - fleissKappa(inputs.preds, inputs.numClasses, { chance: opts.chance, examples: ex }),
      jsd: pairMean(jsd, R),
    },
  };
  return { report, layers: [], pairs: { pwd, jsd } };
}

function representationLayers(set: RunSet, opts: MeasureOptions): number[] | null {
  if (!(opts.representation ?? true) || set.layers === undefined || set.width === undefined) return null;
  const layers = opts.layers ?? defaultLayerEntries(setLayerIndexing(set)!.indexing, set.layers);
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= set.layers) {
      throw new RangeError(`layer ${l} is out of range: hidden.npy has layers 0..${set.layers - 1}`);
    }
  }
  return layers;
}

function representationArgs(set: RunSet, opts: MeasureOptions) {
  const runs = set.runs;
  return {
    hiddenAt: (r: number, l: number) => hiddenLayer(runs[r].hidden!, l),
    options: {
      measures: opts.measures ?? REPRESENTATION_MEASURES,
      rbf: opts.rbf,
      knn: opts.knn,
      settings: opts.settings,
      onLayer: opts.onLayer,
      examples: opts.examples,
      runNames: runs.map((r) => r.name),
    },
  };
}

/** Which block each measured hidden.npy entry is, and how that is known. */
function layerInfoOf(set: RunSet, layers: number[]): NonNullable<InstabilityReport["layers"]> {
  const info = setLayerIndexing(set)!;
  const numbers = blockNumbers(info.indexing, set.layers!);
  return { blocks: layers.map((l) => numbers[l]), entries: layers, indexing: info.indexing, source: info.source };
}

/** Adds representation matrices, measured or read from a cache, to a result of the prediction measures. */
export function withRepresentation(details: InstabilityDetails, rep: RepresentationMatrices, layerInfo: NonNullable<InstabilityReport["layers"]>): InstabilityDetails {
  details.layers = layerInfo.entries;
  details.pairs.representation = rep;
  details.report.representation = layerCurves(rep);
  details.report.layers = layerInfo;
  return details;
}

function attach(set: RunSet, details: InstabilityDetails, layers: number[], rep: RepresentationMatrices): InstabilityDetails {
  return withRepresentation(details, rep, layerInfoOf(set, layers));
}

/** Measures a run set: SD, I_pwd, I_κ (= 1 − Fleiss' κ), I_JSD and the per-layer curves. */
export function measureRunsDetailed(set: RunSet, opts: MeasureOptions = {}): InstabilityDetails {
  const details = predictionPart(set, opts);
  const layers = representationLayers(set, opts);
  if (!layers) return details;
  const { hiddenAt, options } = representationArgs(set, opts);
  return attach(set, details, layers, representationMatrices(hiddenAt, set.runs.length, set.n, set.width!, layers, options));
}

/** As measureRunsDetailed, with the layers spread over `workers` threads (default: one per CPU). */
export async function measureRunsDetailedParallel(set: RunSet, opts: MeasureOptions & { workers?: number } = {}): Promise<InstabilityDetails> {
  const details = predictionPart(set, opts);
  const layers = representationLayers(set, opts);
  if (!layers) return details;
  const { hiddenAt, options } = representationArgs(set, opts);
  const rep = await representationMatricesParallel(hiddenAt, set.runs.length, set.n, set.width!, layers, { ...options, workers: opts.workers });
  return attach(set, details, layers, rep);
}

export function measureRuns(set: RunSet, opts: MeasureOptions = {}): InstabilityReport {
  return measureRunsDetailed(set, opts).report;
}
