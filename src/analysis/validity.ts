// Validity (method.md §6): convergent validity (do the representation measures agree across
// layers?) and the layers experiment of concurrent validity (does instability grow with depth?).
import { REPRESENTATION_MEASURES, type RepresentationMeasure } from "../measures/representation";
import { pairMean } from "../measures/pairs";
import type { Row } from "../util/row";
import { toFrame, type DataFrame } from "./frame";
import { pearson, populationSd, slope, spearman } from "./stats";
import { extraMatrices, extraMeasureList } from "./extraMeasures";
import { ConfigMeasures, pairCurves, RunStore } from "./store";

/** The paper's order of the representation measures in these analyses: its three, coarse to fine (measures/registry.ts). */
export const CURVE_MEASURES: RepresentationMeasure[] = [...REPRESENTATION_MEASURES];
/** The paper's three, fine to coarse: the order of §6.1's pairs. */
const FINE_FIRST = [...REPRESENTATION_MEASURES].reverse();
/** The pairs of §6.1, in the paper's order: CKA~OP, CKA~SVCCA, OP~SVCCA. */
export const CONVERGENT_PAIRS: [RepresentationMeasure, RepresentationMeasure][] = FINE_FIRST.flatMap((a, i) => FINE_FIRST.slice(i + 1).map((b): [RepresentationMeasure, RepresentationMeasure] => [a, b]));
/** The measures drawn per method in the layers experiment (method.md §8 NB4). */
const METHOD_CURVE_MEASURES: RepresentationMeasure[] = ["cka", "op"];

export interface Skipped {
  what: string;
  reason: string;
}

export interface ConvergentValidity {
  /** model, task, measureA, measureB, r, layers */
  rows: Row[];
  /** The measures of the panels' matrices: CURVE_MEASURES, then the extra measures asked for. */
  names: RepresentationMeasure[];
  /** Per (model, task): the correlation matrix in `names` order. */
  panels: { model: string; task: string; matrix: number[][] }[];
  skipped: Skipped[];
}

export interface ConvergentOptions {
  /**
   * Optional representation measures (any registered besides the paper's three: pwcca, cka-rbf, …;
   * measures/registry.ts) whose layer curves are correlated with the paper's three too, as extra
   * rows and matrix columns; measured on the Standard runs only (analysis/extraMeasures.ts).
   * Default none: the paper's three.
   */
  measures?: readonly string[];
}

/** Each extra measure paired with each of the paper's three, in CONVERGENT_PAIRS's order of the three. */
export function extraPairs(extra: readonly RepresentationMeasure[]): [RepresentationMeasure, RepresentationMeasure][] {
  return extra.flatMap((e) => FINE_FIRST.map((p): [RepresentationMeasure, RepresentationMeasure] => [e, p]));
}

function standardWithCurves(store: RunStore, model: string, task: string, skipped: Skipped[]): ConfigMeasures | undefined {
  const std = store.standard(model, task);
  if (!std) {
    skipped.push({ what: `${model}/${task}`, reason: "no Standard configuration with at least 2 runs" });
    return undefined;
  }
  const m = store.measures(std);
  if (!m.curves || !m.representation) {
    skipped.push({ what: `${model}/${task}`, reason: "the runs have no hidden states (hidden.npy)" });
    return undefined;
  }
  return m;
}

/**
 * The paper's three measures' pair matrices of a Standard configuration, with those of the extra
 * measures (measured for it on demand) merged in.
 */
export function standardMatrices(store: RunStore, m: ConfigMeasures, extra: readonly RepresentationMeasure[]): Record<RepresentationMeasure, Float64Array[]> {
  const more = extraMatrices(store, m.config, extra);
  return { ...m.representation!.matrices, ...(more?.matrices ?? {}) };
}

/** Pearson r between the layer curves of each pair of representation measures (method.md §6.1). */
export function computeConvergentValidity(store: RunStore, o: ConvergentOptions = {}): ConvergentValidity {
  const extra = extraMeasureList(o.measures, "convergent validity: measures");
  const names = [...CURVE_MEASURES, ...extra];
  const out: ConvergentValidity = { rows: [], names, panels: [], skipped: [] };
  for (const { model, task } of store.modelTasks()) {
    const m = standardWithCurves(store, model, task, out.skipped);
    if (!m) continue;
    if (m.layers.length < 3) {
      out.skipped.push({ what: `${model}/${task}`, reason: `only ${m.layers.length} layer(s); a correlation between layer curves needs at least 3` });
      continue;
    }
    const matrices = standardMatrices(store, m, extra);
    const curves = Object.fromEntries(names.map((k) => [k, matrices[k].map((mat) => pairMean(mat, m.runs.length))])) as Record<RepresentationMeasure, number[]>;
    for (const [a, b] of [...CONVERGENT_PAIRS, ...extraPairs(extra)]) {
      out.rows.push({ model, task, measureA: a, measureB: b, r: pearson(curves[a], curves[b]), layers: m.layers.length });
    }
    const matrix = names.map((a) => names.map((b) => (a === b ? 1 : pearson(curves[a], curves[b]))));
    out.panels.push({ model, task, matrix });
  }
  return out;
}

export function convergentValidity(store: RunStore, o: ConvergentOptions = {}): DataFrame {
  return toFrame(computeConvergentValidity(store, o).rows, ["model", "task", "measureA", "measureB", "r", "layers"]);
}

export interface LayerExperiment {
  /** model, task, measure, layer, value (mean over pairs), sdOverPairs */
  rows: Row[];
  /** model, task, measure, layer1, top, peakLayer, peak, slope, spearman, rises */
  summary: Row[];
  panels: { model: string; task: string; layers: number[]; series: { measure: RepresentationMeasure; values: number[]; lower: number[]; upper: number[] }[] }[];
  /** I_CKA and I_OP per layer for every method at the Standard learning rate (method.md §8 NB4). */
  methods: { model: string; task: string; measure: RepresentationMeasure; layers: number[]; series: { method: string; values: number[] }[] }[];
  skipped: Skipped[];
}

/**
 * The layers experiment (method.md §6.2): Standard-run curves per layer, and whether they rise
 * with depth, as the least-squares slope per layer and Spearman's ρ between value and layer.
 */
export function computeLayerExperiment(store: RunStore): LayerExperiment {
  const out: LayerExperiment = { rows: [], summary: [], panels: [], methods: [], skipped: [] };
  for (const { model, task } of store.modelTasks()) {
    const m = standardWithCurves(store, model, task, out.skipped);
    if (!m) continue;
    const all = m.runs.map((_, i) => i);
    const panel: LayerExperiment["panels"][number] = { model, task, layers: m.layers, series: [] };
    for (const measure of CURVE_MEASURES) {
      if (!m.representation!.measures.includes(measure)) continue;
      const values = m.curves![measure];
      const pairs = pairCurves(m.representation!, measure, all);
      const sds = m.layers.map((_, l) => populationSd(pairs.map((p) => p[l])));
      m.layers.forEach((layer, l) => out.rows.push({ model, task, measure, layer, value: values[l], sdOverPairs: sds[l] }));
      panel.series.push({ measure, values, lower: values.map((v, l) => v - sds[l]), upper: values.map((v, l) => v + sds[l]) });
      const peak = values.indexOf(Math.max(...values));
      const rho = m.layers.length >= 2 ? spearman(m.layers, values) : NaN;
      const top = values[values.length - 1];
      out.summary.push({
        model,
        task,
        measure,
        layer1: values[0],
        top,
        peakLayer: m.layers[peak],
        peak: values[peak],
        slope: m.layers.length >= 2 ? slope(m.layers, values) : NaN,
        spearman: rho,
        rises: rho > 0 && top > values[0],
      });
    }
    out.panels.push(panel);
    const configs = store.benchmark(model, task);
    if (configs.length >= 2) {
      for (const measure of METHOD_CURVE_MEASURES) {
        const series = configs
          .map((c) => store.measures(c))
          .filter((cm) => cm.representation?.measures.includes(measure) && cm.layers.length === m.layers.length)
          .map((cm) => ({ method: cm.config.method, values: cm.representation!.matrices[measure].map((mat) => pairMean(mat, cm.runs.length)) }));
        if (series.length >= 2) out.methods.push({ model, task, measure, layers: m.layers, series });
      }
    }
  }
  return out;
}

export function layerExperiment(store: RunStore): DataFrame {
  return toFrame(computeLayerExperiment(store).summary, ["model", "task", "measure", "layer1", "top", "peakLayer", "peak", "slope", "spearman", "rises"]);
}

