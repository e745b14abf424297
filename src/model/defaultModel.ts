// The embedded model that ships with the package (models/tiny-bert-en, made by `instability
// pretrain`, see its README.md): the default --model of every command and notebook, so that
// everything runs offline without downloading a checkpoint.
import * as fs from "node:fs";
import * as path from "node:path";

export const DEFAULT_MODEL_NAME = "tiny-bert-en";

/**
 * The package root: the nearest folder above this file with the project's package.json. Walking
 * up (rather than a fixed "../..") finds it from src/model (tslab, ts-node) and from
 * dist/src/model (the compiled CLI) alike.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "instability-lab") return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the instability-lab package root above ${from}`);
  }
}

/** Absolute path of the committed embedded model (a Hugging Face checkpoint folder). */
export function defaultModelDir(): string {
  return path.join(packageRoot(), "models", DEFAULT_MODEL_NAME);
}
