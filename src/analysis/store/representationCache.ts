// The representation measures of one configuration, cached beside its runs
// (<configuration>/representation-cache.json, and representation-cache.final.json for the final
// models): the R×R pair matrices of every measured layer and the sub-sampling curves. Hidden
// states are by far the largest files (4.7 MB a MiniLM run) and measuring them the slowest step;
// with this cache the analyses run from logits alone, so an evidence folder without hidden.npy
// renders every section, and re-analysing any store skips the measuring.
// A cache is used only when its fingerprint — each run's name, config.json and logits.npy, byte
// for byte — matches the runs it is read with; anything else (another run, a re-run seed, a
// corrupt file) is ignored and measured again where hidden states exist.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DegenerateLayer } from "../../measures/degenerate";
import type { RepresentationMatrices, RepresentationMeasure } from "../../measures/representation";
import type { InstabilityReport } from "../../measures/runMeasures";
import type { ReadFile } from "../../runs/runFolder";
import type { Configuration, Variant } from "./configurations";

const FORMAT = "instability-representation-cache/1";

export interface RepresentationCache {
  format: typeof FORMAT;
  variant: Variant;
  fingerprint: string;
  runs: string[];
  /** hidden.npy entries measured, and how they map to block numbers. */
  layers: number[];
  layerInfo: NonNullable<InstabilityReport["layers"]>;
  /** Per measure, per layer: the R×R pair matrix row-major, null where undefined (NaN). */
  matrices: Partial<Record<RepresentationMeasure, (number | null)[][]>>;
  degenerate: DegenerateLayer[];
  /** Sub-sampling curves by key (rate, repetition, sampler seed, runs): per measure, per layer. */
  subsampling: Record<string, Partial<Record<RepresentationMeasure, (number | null)[]>>>;
}

export function cacheFile(c: Pick<Configuration, "dir">, variant: Variant): string {
  return path.join(c.dir, variant === "final" ? "representation-cache.final.json" : "representation-cache.json");
}

/** sha256 over each run's name, config.json and logits.npy (the variant's), in store order; files read with `read`. */
export function runsFingerprint(c: Pick<Configuration, "runDirs">, variant: Variant, read: ReadFile = (f) => fs.readFileSync(f)): string {
  const h = createHash("sha256");
  for (const dir of c.runDirs) {
    const outputs = variant === "final" ? path.join(dir, "final") : dir;
    h.update(`${path.basename(dir)}\0`);
    for (const f of [path.join(dir, "config.json"), path.join(outputs, "logits.npy")]) {
      h.update(fs.existsSync(f) ? read(f) : Buffer.from("missing"));
      h.update("\0");
    }
  }
  return h.digest("hex");
}

/** The configuration's cache when it was made from exactly these runs, else undefined. */
export function readRepresentationCache(c: Configuration, variant: Variant, read?: ReadFile): RepresentationCache | undefined {
  const file = cacheFile(c, variant);
  if (!fs.existsSync(file)) return undefined;
  try {
    const cache = JSON.parse(fs.readFileSync(file, "utf8")) as RepresentationCache;
    if (cache.format !== FORMAT || cache.variant !== variant) return undefined;
    if (cache.fingerprint !== runsFingerprint(c, variant, read)) return undefined;
    return cache;
  } catch {
    return undefined; // unreadable: measured again (and rewritten) where hidden states exist
  }
}

/** An empty cache for these runs. */
export function newRepresentationCache(c: Configuration, variant: Variant, layers: number[], layerInfo: RepresentationCache["layerInfo"], read?: ReadFile): RepresentationCache {
  return { format: FORMAT, variant, fingerprint: runsFingerprint(c, variant, read), runs: c.runDirs.map((d) => path.basename(d)), layers, layerInfo, matrices: {}, degenerate: [], subsampling: {} };
}

/**
 * Writes the cache atomically. A store that cannot be written (read-only, full) is analysed all
 * the same: the cache is only a saving, so the failure is returned, not thrown.
 */
export function writeRepresentationCache(c: Configuration, cache: RepresentationCache): Error | undefined {
  const file = cacheFile(c, cache.variant);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(cache));
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    return err as Error;
  }
}

const toJson = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
const fromJson = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? NaN : v));

/** The cached matrices of `measures`, or undefined when any of them is missing. */
export function cachedMatrices(cache: RepresentationCache, measures: readonly RepresentationMeasure[]): RepresentationMatrices | undefined {
  if (measures.length === 0 || !measures.every((m) => cache.matrices[m]?.length === cache.layers.length)) return undefined;
  const matrices = {} as Record<RepresentationMeasure, Float64Array[]>;
  for (const m of measures) matrices[m] = cache.matrices[m]!.map(fromJson);
  const degenerate = cache.degenerate.map((g) => ({ ...g, measures: g.measures.filter((k) => measures.includes(k as RepresentationMeasure)) })).filter((g) => g.measures.length > 0);
  return { runs: cache.runs.length, layers: cache.layers, measures: [...measures], matrices, degenerate };
}

/** Adds measured matrices to the cache (measures already there are replaced). */
export function storeMatrices(cache: RepresentationCache, rep: RepresentationMatrices): void {
  for (const m of rep.measures) cache.matrices[m] = rep.matrices[m].map(toJson);
  const known = new Set(cache.degenerate.map((g) => `${g.layer}\0${g.run}\0${g.measures.join(",")}`));
  for (const g of rep.degenerate) if (!known.has(`${g.layer}\0${g.run}\0${g.measures.join(",")}`)) cache.degenerate.push(g);
}

export function subsamplingKey(rate: number, repetition: number, seed: number, runs: string[]): string {
  return `rate ${rate} repetition ${repetition} seed ${seed} runs ${runs.join(",")}`;
}

export function cachedSubsample(cache: RepresentationCache | undefined, key: string, measure: RepresentationMeasure): number[] | undefined {
  const v = cache?.subsampling[key]?.[measure];
  return v ? Array.from(fromJson(v)) : undefined;
}

export function storeSubsample(cache: RepresentationCache, key: string, measure: RepresentationMeasure, values: ArrayLike<number>): void {
  (cache.subsampling[key] ??= {})[measure] = toJson(values);
}
