// One folder of runs, measured as `instability measure` shows it: the folder opened with its
// layer entries, the measures, and which pairs are undefined where (degenerate layers,
// measures/degenerate.ts). The CLI parses flags, calls these and prints.
import * as fs from "node:fs";
import * as path from "node:path";
import type { DegenerateLayer } from "../measures/degenerate";
import { type InstabilityDetails, type MeasureOptions, measureRunsDetailedParallel } from "../measures/runMeasures";
import { describeIndexing, entriesOfBlocks } from "../runs/layerIndexing";
import { describeSkipped, findRunsDirectories, listRunFolders } from "../runs/runDefinition";
import { loadRuns, type RunSet } from "../runs/runFolder";

export interface OpenedRunsFolder {
  set: RunSet;
  /** The folders skipped, in words (undefined: none). */
  skipped?: string;
}

export interface LayerEntries {
  /** hidden.npy entries of the blocks asked for; undefined: every block. */
  entries?: number[];
  /** How hidden.npy's layers were read, in words, when no blocks were asked for. */
  indexing?: string;
}

/** A store's root (or a model/task folder) holds no runs itself: name the runs folders inside. */
function checkNotStoreRoot(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory() || listRunFolders(dir).runs.length > 0) return;
  const inside = findRunsDirectories(dir).filter((r) => r.dir !== dir);
  if (inside.length === 0) return;
  const shown = inside.slice(0, 4).map((r) => `${path.relative(dir, r.dir)} (${r.runs} runs)`).join(", ");
  throw new RangeError(
    `${dir} is a run store, not a runs folder: measure one of its ${inside.length} configuration folder(s), e.g. ${path.join(dir, path.relative(dir, inside[0].dir))}; they are ${shown}${inside.length > 4 ? ", …" : ""}`,
  );
}

/** Reads the runs in `dir`; a store's root is an error naming the runs folders inside. */
export function openRunsFolder(dir: string): OpenedRunsFolder {
  checkNotStoreRoot(dir);
  const set = loadRuns(dir);
  return { set, skipped: set.skipped?.length ? describeSkipped(set.skipped) : undefined };
}

/** The hidden.npy entries of `blocks` (1 = the lowest block, 0 = the embedding output), or how every block is read. */
export function layerEntries(set: RunSet, blocks?: number[]): LayerEntries {
  if (blocks && set.layers === undefined) throw new RangeError(`--layers given but the runs in ${set.dir} have no hidden.npy`);
  if (set.layers === undefined) return {};
  if (blocks) return { entries: entriesOfBlocks(set.layerIndexing!.indexing, set.layers, blocks) };
  return { indexing: describeIndexing(set.layerIndexing!, set.layers) };
}

/** Every measure of a run set at `entries` (default every block), the layers spread over threads. */
export async function measureRunsFolder(set: RunSet, entries: number[] | undefined, opts: Omit<MeasureOptions, "layers">): Promise<InstabilityDetails & { numClasses: number }> {
  return { numClasses: set.numClasses, ...(await measureRunsDetailedParallel(set, { ...opts, layers: entries })) };
}

export interface UndefinedPairs {
  /** hidden.npy entry. */
  entry: number;
  undefinedPairs: number;
  pairs: number;
  /** The runs constant across examples there. */
  runNames: string[];
}

/** Per layer entry with degenerate runs: how many of the R·(R−1)/2 pairs are undefined, and by which runs. */
export function undefinedPairsByLayer(degenerate: readonly DegenerateLayer[], runs: number): UndefinedPairs[] {
  const pairs = (runs * (runs - 1)) / 2;
  return [...new Set(degenerate.map((g) => g.layer))].map((entry) => {
    const at = degenerate.filter((g) => g.layer === entry);
    const good = runs - at.length;
    return { entry, undefinedPairs: pairs - (good * (good - 1)) / 2, pairs, runNames: at.map((g) => g.runName) };
  });
}
