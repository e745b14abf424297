// Short names for configurations shown side by side on a figure's axis: only what differs between
// them goes into each label (at notebook width a label like "tiny-bert-en/spam Standard lr 2e-5"
// per column overlaps its neighbours); what they share (the model, a single task) goes in the title.
import { label } from "../runs/names";

export interface LabelledConfiguration {
  model: string;
  task: string;
  method: string;
  learningRate: number;
  /** Final models rather than the best checkpoint. */
  final?: boolean;
}

export interface ShortLabels {
  /** One per configuration, unique, at most three short lines (`<br>`): model and task, method, learning rate and final. */
  labels: string[];
  /** What every configuration shares, e.g. "tiny-bert-en/spam" or "BERT"; "" when nothing. */
  common: string;
}

export function shortConfigurationLabels(cs: LabelledConfiguration[]): ShortLabels {
  const several = (key: (c: LabelledConfiguration) => string) => new Set(cs.map(key)).size > 1;
  const manyModels = several((c) => c.model);
  const manyTasks = several((c) => c.task);
  const ratesOf = new Map<string, Set<number>>();
  for (const c of cs) {
    const k = `${c.model}\0${c.task}\0${c.method}`;
    ratesOf.set(k, (ratesOf.get(k) ?? new Set()).add(c.learningRate));
  }
  const labels = cs.map((c) => {
    const where = [manyModels ? label(c.model) : "", manyTasks ? label(c.task) : ""].filter(Boolean).join(" ");
    const severalRates = ratesOf.get(`${c.model}\0${c.task}\0${c.method}`)!.size > 1;
    const which = [severalRates ? `lr ${c.learningRate.toExponential()}` : "", c.final ? "(final)" : ""].filter(Boolean).join(" ");
    return [where, label(c.method), which].filter(Boolean).join("<br>");
  });
  // Two configurations that differ only in something left out (never in a store) keep full names.
  const unique = new Set(labels).size === labels.length;
  const full = cs.map((c) => `${label(c.model)}/${label(c.task)}<br>${label(c.method)} lr ${c.learningRate.toExponential()}${c.final ? " (final)" : ""}`);
  const common = [manyModels ? "" : label(cs[0]?.model ?? ""), manyTasks ? "" : label(cs[0]?.task ?? "")].filter(Boolean).join("/");
  return unique ? { labels, common } : { labels: full, common: "" };
}
