// (Moved from viz/: the analyses write sentences with these names too, and analysis must not import viz.)
// The one place where measure, method, model and task names get the spelling the paper uses.
// Figures and HTML tables use the HTML form (plotly renders <sub> in titles, ticks and legends);
// CSV headers and console output use the plain form.

import { escapeHtml } from "../util/escapeHtml";

export { escapeHtml };

export type LabelFormat = "html" | "plain";

export interface Label {
  html: string;
  plain: string;
}

// The measures' spellings are not typed here: each measure's definition carries its own, and
// measures/registry.ts registers them (runs/ sits below measures/ and cannot read that table).
const measureLabels = new Map<string, Label>();
const measureAliases = new Map<string, string>();

/** Makes `label()` and `measureLabel()` spell measure `id` (and its `aliases`) as `spelling`; called by measures/registry.ts. */
export function registerMeasureName(id: string, spelling: Label, aliases: readonly string[] = []): void {
  const key = plainKey(id);
  measureLabels.set(key, spelling);
  for (const a of aliases) measureAliases.set(plainKey(a), key);
}

export const METHOD_LABELS: Readonly<Record<string, Label>> = {
  standard: { html: "Standard", plain: "Standard" },
  mixout: { html: "Mixout", plain: "Mixout" },
  llrd: { html: "LLRD", plain: "LLRD" },
  reinit: { html: "Re-init", plain: "Re-init" },
  wdpre: { html: "WD<sub>pre</sub>", plain: "WD_pre" },
};

const OTHER_LABELS: Readonly<Record<string, Label>> = {
  bert: { html: "BERT", plain: "BERT" },
  roberta: { html: "RoBERTa", plain: "RoBERTa" },
  rte: { html: "RTE", plain: "RTE" },
  mrpc: { html: "MRPC", plain: "MRPC" },
  cola: { html: "CoLA", plain: "CoLA" },
  sst2: { html: "SST-2", plain: "SST-2" },
  // task metrics (method.md §2)
  accuracy: { html: "Accuracy", plain: "Accuracy" },
  acc: { html: "Accuracy", plain: "Accuracy" },
  f1: { html: "F<sub>1</sub>", plain: "F1" },
  mcc: { html: "MCC", plain: "MCC" },
};

// Analyses may spell a measure "I_kappa", "kappa", "κ", "fleissKappa", "linearCkaDistance" …;
// all of them fold to one key so that a figure never shows two spellings of one measure (the
// measures' aliases are registered with their names).
const METHOD_ALIASES: Readonly<Record<string, string>> = {
  reinitialization: "reinit",
  wd: "wdpre",
};

function plainKey(name: string): string {
  // "I_pwd" → "ipwd", "I<sub>CKA</sub>" → "icka"
  return name.trim().toLowerCase().replace(/[\s_\-]/g, "").replace(/<\/?sub>/g, "");
}

function fold(name: string): string {
  let k = plainKey(name);
  const measure = (key: string) => measureLabels.has(key) || measureAliases.has(key);
  if (/^i[a-zκ]/.test(k) && k.length > 1 && measure(k.slice(1))) k = k.slice(1);
  return measureAliases.get(k) ?? METHOD_ALIASES[k] ?? k;
}

/** Canonical key ("sd", "pwd", "kappa", "jsd", "svcca", "op", "cka", …) or undefined if not a registered measure. */
export function measureKey(name: string): string | undefined {
  const k = fold(name);
  return measureLabels.has(k) ? k : undefined;
}

/** The paper's spelling of a measure, e.g. measureLabel("I_kappa") → "I<sub>κ</sub>". */
export function measureLabel(name: string, format: LabelFormat = "html"): string {
  const k = measureKey(name);
  if (!k) throw new Error(`measureLabel: unknown measure "${name}"; use one of ${[...measureLabels.keys()].join(", ")}`);
  return measureLabels.get(k)![format];
}

/**
 * Any name as the paper writes it: a measure, a mitigation method, a model or a task. Unknown
 * names come back unchanged (escaped for HTML), so it is safe on arbitrary column names.
 */
export function label(name: string, format: LabelFormat = "html"): string {
  const k = fold(name);
  const known = measureLabels.get(k) ?? METHOD_LABELS[k] ?? OTHER_LABELS[k];
  if (known) return known[format];
  return format === "html" ? escapeHtml(name) : name;
}

