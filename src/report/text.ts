// Small helpers for the generated "what this run found" sentences.
import { label } from "../runs/names";

/** A number for prose: fixed decimals, a typographic minus, "undefined" for NaN. */
export function num(v: number | null | undefined, decimals = 2): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "undefined";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const s = Math.abs(v) > 0 && Math.abs(v) < 10 ** -decimals ? v.toExponential(1) : v.toFixed(decimals);
  return s.replace(/^-/, "−");
}

/** "BERT/RTE", using the paper's names where known. */
export function where(model: string, task: string): string {
  return `${label(model)}/${label(task)}`;
}

export function list(items: string[]): string {
  return items.length === 0 ? "" : `<ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}
