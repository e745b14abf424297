// What the analyses read of a store, read once: per configuration and variant, the run set (logits,
// labels, metrics, config) and the representation cache for the store's life, and the hidden
// states only of the configurations read again after they are measured (the Standard runs:
// sub-sampling and the convergent section's extra measures), within a byte budget. Memory is
// bounded so: logits and labels of every run (a few MB for the paper's grid), the caches' JSON,
// plus at most `hiddenBudget` bytes of hidden states (default 2 GiB; past it the oldest are
// dropped and read again when asked for, which is slower, never wrong).
import type { RunSet } from "../../runs/runFolder";
import { loadConfiguration, type Configuration, type Variant } from "./configurations";
import { newRepresentationCache, readRepresentationCache, writeRepresentationCache, type RepresentationCache } from "./representationCache";
import { RunFiles } from "./runFiles";

export const HIDDEN_BUDGET_BYTES = 2 * 1024 ** 3;

const hiddenBytes = (set: RunSet) => set.runs.reduce((s, r) => s + (r.hidden?.data.byteLength ?? 0), 0);

/** The set without its hidden states (what the store keeps of every configuration). */
function withoutHidden(set: RunSet): RunSet {
  if (set.layers === undefined) return set;
  const runs = set.runs.map((r) => {
    const { hidden: _dropped, ...rest } = r;
    return rest;
  });
  return { dir: set.dir, runs, n: set.n, numClasses: set.numClasses, skipped: set.skipped };
}

export class LoadedRuns {
  readonly files = new RunFiles();
  private readonly plain = new Map<string, RunSet>();
  /** Insertion order is age: past the budget the oldest go first. */
  private readonly hidden = new Map<string, RunSet>();
  private hiddenTotal = 0;
  /** Configurations whose runs have no hidden.npy: their plain set is all there is. */
  private readonly noHidden = new Set<string>();
  private readonly caches = new Map<string, RepresentationCache | undefined>();

  /** @param keepHidden whether a configuration's hidden states are read again after it is measured */
  constructor(private readonly keepHidden: (c: Configuration, variant: Variant) => boolean, private readonly hiddenBudget = HIDDEN_BUDGET_BYTES) {}

  /** The configuration's runs, with hidden states (where the runs have them) when `hidden` is true. */
  runs(c: Configuration, variant: Variant, opts: { hidden: boolean }): RunSet {
    const key = `${c.dir}\0${variant}`;
    const kept = this.hidden.get(key);
    if (kept) return kept;
    const plain = this.plain.get(key);
    if (plain && (!opts.hidden || this.noHidden.has(key))) return plain;
    const set = loadConfiguration(c, variant, { hidden: opts.hidden, read: this.files.read });
    if (!plain) this.plain.set(key, withoutHidden(set));
    if (opts.hidden && set.layers === undefined) this.noHidden.add(key);
    if (opts.hidden && set.layers !== undefined && this.keepHidden(c, variant)) this.keep(key, set);
    return set;
  }

  /** The configuration's representation cache when it matches its runs (read from disk once), else undefined. */
  representationCache(c: Configuration, variant: Variant): RepresentationCache | undefined {
    const key = `${c.dir}\0${variant}`;
    if (!this.caches.has(key)) this.caches.set(key, readRepresentationCache(c, variant, this.files.read));
    return this.caches.get(key);
  }

  /** An empty cache for the configuration's runs. */
  newRepresentationCache(c: Configuration, variant: Variant, layers: number[], layerInfo: RepresentationCache["layerInfo"]): RepresentationCache {
    return newRepresentationCache(c, variant, layers, layerInfo, this.files.read);
  }

  /** Keeps `cache` as the configuration's and writes it beside its runs (a failed write loses only the saving). */
  saveRepresentationCache(c: Configuration, cache: RepresentationCache): void {
    this.caches.set(`${c.dir}\0${cache.variant}`, cache);
    writeRepresentationCache(c, cache);
  }

  private keep(key: string, set: RunSet): void {
    const bytes = hiddenBytes(set);
    if (bytes > this.hiddenBudget) return;
    for (const [k, old] of this.hidden) {
      if (this.hiddenTotal + bytes <= this.hiddenBudget) break;
      this.hidden.delete(k);
      this.hiddenTotal -= hiddenBytes(old);
    }
    this.hidden.set(key, set);
    this.hiddenTotal += bytes;
  }
}
