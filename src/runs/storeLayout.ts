// The run store's layout, written and read in this one place:
//   STORE/<model>/<task>/<method>-lr<lr>/seed-NN/
// The sweep writes it (train/sweep/grid.ts), the analyses read it (analysis/store/); both format
// and parse folder names only through the functions here, so the two sides cannot drift apart.
// Every configuration folder (<method>-lr<lr>) is itself a runs directory (runs/runFolder.ts).
import * as path from "node:path";

// One path segment of safe characters: a name from the command line must never climb out of the
// store ("../x"), name the store itself ("."), or hide as a dot-folder (temporaries, logs, locks).
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Throws, naming the option, unless `name` is one safe path segment. */
export function checkStoreName(option: string, name: string): string {
  if (!SAFE_SEGMENT.test(name) || name.length > 100) {
    throw new Error(
      `${option}: '${name}' cannot be a folder name in the store; use letters, digits, '.', '_', '+' or '-' (starting with a letter or digit, no '/')`,
    );
  }
  return name;
}

/** Throws unless `relativeDir` resolves strictly inside `store` (defence in depth behind checkStoreName). */
export function insideStore(store: string, relativeDir: string): string {
  const full = path.resolve(store, relativeDir);
  const rel = path.relative(path.resolve(store), full);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new Error(`run folder '${relativeDir}' lies outside the store ${store}; refusing to write or clean there`);
  }
  return full;
}

/** The learning rate as folder names write it: 2e-5 → "2e-5", 1.5e-5 → "1.5e-5". */
export function formatLearningRate(lr: number): string {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a positive number, got ${lr}`);
  return lr.toExponential();
}

/** "<method>-lr<lr>": the folder of one configuration inside STORE/<model>/<task>/. */
export function configurationFolder(method: string, lr: number): string {
  return `${method}-lr${formatLearningRate(lr)}`;
}

const CONFIGURATION_FOLDER = /^(.+)-lr([0-9.eE+-]+)$/;

/** The method (store name, as written) and learning rate of a configuration folder's name, or undefined if it is not one. */
export function parseConfigurationFolder(name: string): { method: string; learningRate: number } | undefined {
  const m = CONFIGURATION_FOLDER.exec(name);
  const learningRate = m ? Number(m[2]) : NaN;
  return m && learningRate > 0 && Number.isFinite(learningRate) ? { method: m[1], learningRate } : undefined;
}

/** <model>/<task>/<method>-lr<lr>, relative to the store. */
export function configurationDir(model: string, task: string, method: string, lr: number): string {
  return path.join(model, task, configurationFolder(method, lr));
}

/** "seed-NN": a run's folder inside its configuration folder (two digits at least, so `ls` sorts them). */
export function seedFolder(seed: number): string {
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  return `seed-${String(seed).padStart(2, "0")}`;
}

/**
 * The seed of a run folder's name: "seed-NN" as seedFolder writes it; for stores written by
 * other tools, the number the name ends with ("run7" → 7); undefined when there is none.
 */
export function parseSeedFolder(name: string): number | undefined {
  const m = /^seed-(\d+)$/.exec(name) ?? /(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
