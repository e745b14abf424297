// Where the main job writes and the notebooks read when told nothing: one folder, wherever the
// CLI or a notebook starts. Notebooks start in notebooks/ and a shell anywhere, so the current
// folder cannot be it; the package's own folder is the one place both find without being told
// (out/reproduce there, as a checkout's README commands have it). INSTABILITY_OUT moves it for
// both; it must be absolute, since a relative path would again depend on where each one starts.
// An installed package (…/node_modules/instability-lab) is no place for results: a reinstall
// replaces that folder. Its runs go to out/reproduce of the project that installed it (the folder
// that holds node_modules), which the CLI and the notebooks still find alike.
import * as path from "node:path";
import { packageRoot, projectHome } from "../../util/packageRoot";

export const OUT_ENV = "INSTABILITY_OUT";

/** `instability reproduce`'s default --out: $INSTABILITY_OUT, else out/reproduce in the package's (or its installing project's) folder. */
export function defaultReproduceOut(env: NodeJS.ProcessEnv = process.env, root = packageRoot()): string {
  const set = env[OUT_ENV];
  if (set === undefined || set === "") return path.join(projectHome(root), "out", "reproduce");
  if (!path.isAbsolute(set)) throw new Error(`${OUT_ENV}='${set}' must be an absolute folder (the CLI and the notebooks start in different folders); e.g. export ${OUT_ENV}="$PWD/${set}"`);
  return path.normalize(set);
}

/** The run store the CLI's main job fills and the notebooks read by default: runs/ of defaultReproduceOut(). */
export function defaultRunStore(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultReproduceOut(env), "runs");
}
