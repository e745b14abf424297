// The committed evidence of a real-model preset (docs/evidence/NAME/, scripts/export-evidence.ts):
// each run's logits, labels, metrics and config plus the representation measures cached per
// configuration, so the report's sections and notebooks 03–06 render from it without fine-tuning
// or hidden states.
import * as fs from "node:fs";
import * as path from "node:path";
import { REAL_MODEL_EVIDENCE } from "../analysis/findings";
import { packageRoot } from "../util/packageRoot";

/** The default evidence: the glue-small preset on all-MiniLM-L6-v2. */
export const DEFAULT_EVIDENCE = path.basename(REAL_MODEL_EVIDENCE.folder);

/** The run store of committed evidence `name` (a folder of docs/evidence/). */
export function evidenceStore(name: string = DEFAULT_EVIDENCE): string {
  const root = path.join(packageRoot(), "docs", "evidence");
  const store = path.join(root, name, "runs");
  if (!/^[A-Za-z0-9._-]+$/.test(name) || !fs.existsSync(store)) {
    const known = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "runs"))) : [];
    throw new Error(`evidence '${name}': no committed runs in ${store}; use one of ${known.length ? known.join(", ") : "(none in this install)"}`);
  }
  return store;
}
