// Small helpers for the generated "what this run found" sentences.
import { escapeHtml, label } from "../runs/names";
import type { Skipped } from "../analysis/validity";

/** A number for prose: fixed decimals, a typographic minus, "undefined" for NaN. */
export function num(v: number | null | undefined, decimals = 2): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "undefined";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const s = Math.abs(v) > 0 && Math.abs(v) < 10 ** -decimals ? v.toExponential(1) : v.toFixed(decimals);
  return s.replace(/^-/, "−");
}

/** p for prose: "p = 0.003", "p < 0.001". */
export function pText(p: number): string {
  if (Number.isNaN(p)) return "p undefined";
  return p < 0.001 ? "p < 0.001" : `p = ${num(p, 3)}`;
}

/** "BERT/RTE", using the paper's names where known. */
export function where(model: string, task: string): string {
  return `${label(model)}/${label(task)}`;
}

export function skippedHtml(skipped: Skipped[]): string {
  if (skipped.length === 0) return "";
  const items = skipped.map((s) => `<li>${escapeHtml(s.what)}: ${escapeHtml(s.reason)}</li>`).join("");
  return `<p>Not analysed:</p><ul>${items}</ul>`;
}

export function list(items: string[]): string {
  return items.length === 0 ? "" : `<ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}
