// The embedded model that ships with the package (models/tiny-bert-en, made by `instability
// pretrain`, see its README.md): the default --model of every command and notebook, so that
// everything runs offline without downloading a checkpoint.
import * as path from "node:path";
import { packageRoot } from "../util/packageRoot";

export { packageRoot };

export const DEFAULT_MODEL_NAME = "tiny-bert-en";

/** Absolute path of the committed embedded model (a Hugging Face checkpoint folder). */
export function defaultModelDir(): string {
  return path.join(packageRoot(), "models", DEFAULT_MODEL_NAME);
}
