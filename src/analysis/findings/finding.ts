// A finding: one claim of the paper checked on one run store. It holds what the paper reported,
// what these runs show (numbers with CIs and run counts), the preconditions the evidence must
// meet, the verdict and one sentence written from those numbers. A failed precondition makes the
// verdict "not enough evidence" and says which one, with its numbers: never a verdict from noise.
import type { Row } from "../../util/row";

export type Verdict = "holds" | "does not hold" | "not enough evidence";

/** A precondition of a verdict, checked on the runs the analysis got. */
export interface Gate {
  name: string;
  ok: boolean;
  /** The numbers behind it, e.g. "mean accuracy 0.79 [0.77, 0.81] over 8 runs vs majority 0.50". */
  detail: string;
  /**
   * Set when no number of seeds can meet it on this store, with why (the model's depth, the
   * grid's configurations): the report says so up front and names what decides it.
   */
  structural?: string;
}

export interface Finding {
  id: string;
  title: string;
  /** Where the method is specified (method.md §…). */
  section: string;
  /** What the paper reported, with its numbers (findings/paperClaims.ts, from paperNumbers.ts). */
  paper: string;
  /** What these runs show: one row per model/task (or configuration), CIs and run counts included. */
  observed: Row[];
  gates: Gate[];
  verdict: Verdict;
  /** Why this verdict: the decisive numbers, or the failed preconditions. */
  reason: string;
  /** The finding in one sentence, written from `observed`. */
  sentence: string;
  /** Caveats the reader needs (non-independent points, thresholds chosen here). */
  notes: string[];
}

/** What a finding's decision returns when its preconditions hold. */
export interface Decision {
  verdict: Exclude<Verdict, "not enough evidence"> | "not enough evidence";
  reason: string;
  sentence: string;
}

/**
 * Assembles a finding: when any gate fails the verdict is "not enough evidence" and `decide` is
 * not consulted, so no analysis can turn failed preconditions into a claim.
 */
export function finding(base: Omit<Finding, "verdict" | "reason" | "sentence">, decide: () => Decision): Finding {
  const failed = base.gates.filter((g) => !g.ok);
  if (base.gates.length === 0 || failed.length > 0) {
    const reason = failed.length ? failed.map((g) => `${g.name}: ${g.detail}`).join("; ") : "no runs to judge";
    return { ...base, verdict: "not enough evidence", reason, sentence: `Not enough evidence: ${reason}.` };
  }
  return { ...base, ...decide() };
}

/** The failed preconditions that more seeds cannot meet, with their findings. */
export function structuralGaps(findings: Finding[]): { finding: Finding; gate: Gate }[] {
  return findings.flatMap((f) => f.gates.filter((g) => !g.ok && g.structural).map((gate) => ({ finding: f, gate })));
}

/** 0.123 → "0.123"; NaN → "n/a". */
export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return "n/a";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(1);
  return v.toFixed(digits);
}

/** "0.79 [0.77, 0.81]". */
export function fmtCi(ci: { value: number; lower: number; upper: number }, digits = 3): string {
  return `${fmt(ci.value, digits)} [${fmt(ci.lower, digits)}, ${fmt(ci.upper, digits)}]`;
}
