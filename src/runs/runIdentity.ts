// A run's identity: the settings in its config.json that decide what it computed. Two runs of
// one configuration folder may differ in their seed only; a finished run is reused only when its
// identity equals the one asked for. Fields a run does not record (runs of older versions, runs
// from other tools without config.json) are not compared: nothing is known about them.
import * as path from "node:path";

/** config.json keys (dotted paths) that make up a run's identity. */
export const IDENTITY_KEYS = [
  "task", "seed", "lr", "epochs", "batchSize", "evalBatchSize", "maxLength", "warmupRatio", "maxGradNorm",
  "weightDecay", "dropoutOverride", "mitigation", "mitigationHyperParameters", "maxTrainExamples",
  "nTrain", "nValidation", "nTest", "failedRule", "dataSha256",
  "model.configSha256", "model.weightsSha256",
] as const;

function get(record: Record<string, unknown>, key: string): unknown {
  let v: unknown = record;
  for (const part of key.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** JSON with sorted object keys, so that equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}

function shown(v: unknown): string {
  if (typeof v === "string" && v.length > 16) return `${v.slice(0, 10)}…`; // a fingerprint
  const s = canonical(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export interface IdentityDifference {
  key: string;
  found: unknown;
  expected: unknown;
}

/**
 * The identity fields on which `found` and `expected` (config.json records) disagree; keys in
 * `ignore` (e.g. "seed" within a configuration folder) and keys one side does not record are skipped.
 */
export function identityDifferences(found: Record<string, unknown>, expected: Record<string, unknown>, ignore: readonly string[] = []): IdentityDifference[] {
  const out: IdentityDifference[] = [];
  for (const key of IDENTITY_KEYS) {
    if (ignore.includes(key)) continue;
    const a = get(found, key);
    const b = get(expected, key);
    if (a === undefined || b === undefined) continue;
    if (PER_ENTRY.has(key) && isRecord(a) && isRecord(b)) {
      for (const k of Object.keys(b)) if (k in a && canonical(a[k]) !== canonical(b[k])) out.push({ key: `${key}.${k}`, found: a[k], expected: b[k] });
    } else if (canonical(a) !== canonical(b)) out.push({ key, found: a, expected: b });
  }
  return out;
}

/**
 * Identity fields compared entry by entry, over the entries both sides record: a method added
 * later brings hyper-parameters that runs made before it do not record, and they stay reusable.
 */
const PER_ENTRY: ReadonlySet<string> = new Set(["mitigationHyperParameters"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** "epochs 1 vs 2, lr 2e-5 vs 3e-5" (first value: `found`'s). */
export function describeDifferences(diffs: IdentityDifference[], limit = 4): string {
  const parts = diffs.slice(0, limit).map((d) => `${d.key} ${shown(d.found)} vs ${shown(d.expected)}`);
  return parts.join(", ") + (diffs.length > limit ? `, … (${diffs.length} fields)` : "");
}

/** The identity fields of a config.json record, for printing or storing. */
export function identityOf(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of IDENTITY_KEYS) {
    const v = get(config, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Throws unless the runs (their config.json, where present) differ in nothing but the seed:
 * a runs directory is one configuration, or its measures mean nothing.
 */
export function checkOneConfiguration(runsDir: string, runs: { name: string; config?: Record<string, unknown> }[], makeError: (m: string) => Error): void {
  const withConfig = runs.filter((r) => r.config);
  const first = withConfig[0];
  if (!first) return;
  for (const run of withConfig.slice(1)) {
    const diffs = identityDifferences(run.config!, first.config!, ["seed"]);
    if (diffs.length) {
      throw makeError(
        `${path.join(runsDir, run.name, "config.json")}: run '${run.name}' was made with other settings than run '${first.name}' (${describeDifferences(diffs)}); ` +
          "a runs folder must hold one configuration whose runs differ only in the seed: move the odd runs to their own folder or re-run them",
      );
    }
  }
}
