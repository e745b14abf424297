// The real GLUE copies live beside the repository in ../shared/data/glue (CI always has them).
// Tests that need them skip with this message when they are absent.
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export function glueDir(): string | null {
  const candidates = [process.env.GLUE_DIR, path.join(REPO_ROOT, "..", "shared", "data", "glue")];
  for (const dir of candidates) if (dir && fs.existsSync(path.join(dir, "RTE", "dev.tsv"))) return dir;
  return null;
}

export const NO_GLUE = "GLUE data not found: set GLUE_DIR or place it at ../shared/data/glue";

export { REPO_ROOT };
