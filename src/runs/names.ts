// (Moved from viz/: the analyses write sentences with these names too, and analysis must not import viz.)
// The one place where measure, method, model and task names get the spelling the paper uses.
// Figures and HTML tables use the HTML form (plotly renders <sub> in titles, ticks and legends);
// CSV headers and console output use the plain form.

import { escapeHtml } from "../util/escapeHtml";

export { escapeHtml };

export type LabelFormat = "html" | "plain";

interface Label {
  html: string;
  plain: string;
}

/** The seven measures, coarse to fine (method.md §5), then the optional ones, keyed by their canonical short name. */
export const MEASURE_LABELS: Readonly<Record<string, Label>> = {
  sd: { html: "SD", plain: "SD" },
  pwd: { html: "I<sub>pwd</sub>", plain: "I_pwd" },
  kappa: { html: "I<sub>κ</sub>", plain: "I_κ" },
  jsd: { html: "I<sub>JSD</sub>", plain: "I_JSD" },
  svcca: { html: "I<sub>SVCCA</sub>", plain: "I_SVCCA" },
  op: { html: "I<sub>OP</sub>", plain: "I_OP" },
  cka: { html: "I<sub>CKA</sub>", plain: "I_CKA" },
  // The optional representation measures (measures/representationMeasures.ts), folded as fold() does.
  pwcca: { html: "I<sub>PWCCA</sub>", plain: "I_PWCCA" },
  ckarbf: { html: "I<sub>CKA-RBF</sub>", plain: "I_CKArbf" },
  ckabiased: { html: "I<sub>CKA-b</sub>", plain: "I_CKAb" },
  opangular: { html: "θ<sub>OP</sub>", plain: "θ_OP" },
  rsa: { html: "I<sub>RSA</sub>", plain: "I_RSA" },
  mknn: { html: "I<sub>mKNN</sub>", plain: "I_mKNN" },
  cknna: { html: "I<sub>CKNNA</sub>", plain: "I_CKNNA" },
};

/** The paper's order of the six measures used in benchmarking and bootstrapping (§7.1–7.2). */
export const BENCHMARK_MEASURES = ["sd", "jsd", "kappa", "pwd", "cka", "op"] as const;
/** The representation measures, in the order the layer plots draw them. */
export const REPRESENTATION_MEASURES = ["svcca", "op", "cka"] as const;

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
// all of them fold to one key so that a figure never shows two spellings of one measure.
const ALIASES: Readonly<Record<string, string>> = {
  std: "sd",
  κ: "kappa",
  fleisskappa: "kappa",
  pairwisedisagreement: "pwd",
  disagreement: "pwd",
  js: "jsd",
  pairwisejsd: "jsd",
  svccadistance: "svcca",
  orthogonalprocrustesdistance: "op",
  procrustes: "op",
  linearckadistance: "cka",
  ckadistance: "cka",
  reinitialization: "reinit",
  wd: "wdpre",
};

function fold(name: string): string {
  let k = name.trim().toLowerCase().replace(/[\s_\-]/g, "");
  // "I_pwd", "Iκ", "I<sub>CKA</sub>"
  k = k.replace(/<\/?sub>/g, "");
  if (/^i[a-zκ]/.test(k) && k.length > 1 && (MEASURE_LABELS[k.slice(1)] || ALIASES[k.slice(1)])) {
    k = k.slice(1);
  }
  return ALIASES[k] ?? k;
}

/** Canonical key ("sd", "pwd", "kappa", "jsd", "svcca", "op", "cka") or undefined if not a measure. */
export function measureKey(name: string): string | undefined {
  const k = fold(name);
  return MEASURE_LABELS[k] ? k : undefined;
}

/** The paper's spelling of a measure, e.g. measureLabel("I_kappa") → "I<sub>κ</sub>". */
export function measureLabel(name: string, format: LabelFormat = "html"): string {
  const k = measureKey(name);
  if (!k) throw new Error(`measureLabel: unknown measure "${name}"; use one of ${Object.keys(MEASURE_LABELS).join(", ")}`);
  return MEASURE_LABELS[k][format];
}

/**
 * Any name as the paper writes it: a measure, a mitigation method, a model or a task. Unknown
 * names come back unchanged (escaped for HTML), so it is safe on arbitrary column names.
 */
export function label(name: string, format: LabelFormat = "html"): string {
  const k = fold(name);
  const known = MEASURE_LABELS[k] ?? METHOD_LABELS[k] ?? OTHER_LABELS[k];
  if (known) return known[format];
  return format === "html" ? escapeHtml(name) : name;
}

