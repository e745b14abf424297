#!/usr/bin/env python3
"""Export fine-tuned Hugging Face sequence-classification checkpoints as instability-lab runs.

One run folder per checkpoint, in the project's run format (README, "The run format"):
  logits.npy    float32 [n, C]
  labels.npy    int64   [n]
  hidden.npy    float32 [L+1, n, d]: the first-token hidden state of every layer, indexed as
                Hugging Face's output_hidden_states (0 = embeddings output, i = block i);
                config.json records this as "hidden_layers": "hf"
  metrics.json  task, metric, test score and accuracy on the exported examples
  config.json   the exporter's settings, the checkpoint, versions and the checkpoint's own config

GLUE tasks use the project's dev-split rule (docs/tasks/glue-dev-split.json, src/data/devSplit.ts),
reimplemented here bit for bit, so a PyTorch run and a TypeScript run measure the same examples.

  python python/instability_export.py --model CKPT_DIR --task sst2 --glue-dir DIR --out RUN_DIR
  python python/instability_export.py --model SEED1 SEED2 ... --task rte --glue-dir DIR --out RUNS_DIR
  python python/instability_export.py --trainer-dir OUTPUT_DIR --task-file dev.csv --out RUNS_DIR

Dependencies: torch, transformers and numpy only. Importable: dev_split_indices, load_glue_examples,
read_task_file, export_run, export_checkpoints.
"""
import argparse
import csv
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile

import numpy as np

EXPORTER_VERSION = 1
DEV_SPLIT_SEED = 20230215
M32 = 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# The dev-split rule: src/util/random.ts (xoshiro128** seeded through splitmix32, FNV-1a labels)
# and src/data/devSplit.ts, in 32-bit unsigned arithmetic.

def _imul(a, b):
    return (a * b) & M32


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def hash_string(text):
    """FNV-1a over UTF-16 code units, as JavaScript's charCodeAt sees the string."""
    data = text.encode("utf-16-le")
    h = 0x811C9DC5
    for i in range(0, len(data), 2):
        h = _imul(h ^ (data[i] | (data[i + 1] << 8)), 0x01000193)
    return h


class Random:
    """The project's seeded PRNG (only what the dev split needs)."""

    def __init__(self, seed):
        self.seed = seed & M32
        s = self.seed
        state = []
        for _ in range(4):
            s = (s + 0x9E3779B9) & M32
            z = s
            z = _imul(z ^ (z >> 16), 0x85EBCA6B)
            z = _imul(z ^ (z >> 13), 0xC2B2AE35)
            state.append((z ^ (z >> 16)) & M32)
        self.s0, self.s1, self.s2, self.s3 = state

    def fork(self, label):
        return Random(_imul(self.seed ^ 0x5BD1E995, 0x27D4EB2D) ^ hash_string(label))

    def next_uint32(self):
        result = _imul(_rotl(_imul(self.s1, 5), 7), 9)
        t = (self.s1 << 9) & M32
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = _rotl(self.s3, 11)
        return result

    def int(self, n):
        return math.floor(self.next_uint32() / 4294967296 * n)

    def permutation(self, n):
        items = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


def dev_split_indices(task, n, seed=DEV_SPLIT_SEED):
    """{"validation": [...], "test": [...]}: 0-based dev rows, the test half getting ceil(n/2)."""
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"dev split: need at least 2 dev examples for {task}, got {n}")
    perm = Random(seed).fork(f"dev-split:{task}").permutation(n)
    n_test = (n + 1) // 2
    return {"test": sorted(perm[:n_test]), "validation": sorted(perm[n_test:])}


# ---------------------------------------------------------------------------------------------
# Tasks: GLUE dev files (as src/data/glue.ts reads them) or a file of texts and labels.

GLUE = {
    # name: (folder, metric, header or None, columns, text, pair, label, label map)
    "rte": ("RTE", "accuracy", ["index", "sentence1", "sentence2", "label"], 4, 1, 2, 3, {"entailment": 0, "not_entailment": 1}),
    "mrpc": ("MRPC", "f1", ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"], 5, 3, 4, 0, {"0": 0, "1": 1}),
    "cola": ("CoLA", "mcc", None, 4, 3, None, 1, {"0": 0, "1": 1}),
    "sst2": ("SST-2", "accuracy", ["sentence", "label"], 2, 0, None, 1, {"0": 0, "1": 1}),
}


class ExportError(Exception):
    """A bad input, with the fix in the message (printed as one line by the script)."""


def glue_task_name(name):
    key = name.lower().replace("-", "")
    return key if key in GLUE else None


def load_glue_examples(glue_dir, task, split="test"):
    """(texts, pairs or None, labels) of a GLUE dev file's `split`: test / validation half, or dev."""
    folder, _, header, columns, ti, pi, li, labels = GLUE[task]
    path = os.path.join(glue_dir, folder, "dev.tsv")
    if not os.path.isfile(path):
        raise ExportError(f"GLUE file not found: {path} (give --glue-dir a directory in the GLUE layout, <DIR>/{folder}/dev.tsv)")
    body = _read_utf8(path, "GLUE file")  # drops MRPC's byte-order mark
    if "\r" in body:
        raise ExportError(f"{path}: carriage return found: GLUE files use \\n line endings (convert with `tr -d '\\r'`)")
    if body.endswith("\n"):
        body = body[:-1]
    lines = body.split("\n") if body else []
    first = 0
    if header is not None:
        if not lines or lines[0] != "\t".join(header):
            raise ExportError(f"{path}:1: header is {lines[0]!r}, expected {chr(9).join(header)!r} (is this the {folder} file?)")
        first = 1
    texts, pairs, ys = [], [], []
    for i in range(first, len(lines)):
        fields = lines[i].split("\t")
        if len(fields) != columns:
            raise ExportError(f"{path}:{i + 1}: {len(fields)} tab-separated columns, expected {columns}")
        if fields[li] not in labels:
            raise ExportError(f"{path}:{i + 1}: label {fields[li]!r} is not one of {', '.join(map(repr, labels))}")
        texts.append(fields[ti])
        pairs.append(fields[pi] if pi is not None else None)
        ys.append(labels[fields[li]])
    if split != "dev":
        if split not in ("test", "validation"):
            raise ExportError(f"--split {split!r}: use test, validation or dev")
        rows = dev_split_indices(task, len(texts))[split]
        texts, pairs, ys = [texts[r] for r in rows], [pairs[r] for r in rows], [ys[r] for r in rows]
    return texts, (pairs if pi is not None else None), ys


def _read_utf8(path, what):
    """A text file's contents (a UTF-8 byte-order mark dropped), or one line saying why not."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ExportError(f"{what} {path}: cannot be read ({e.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ExportError(f"{path}:{line}: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); save the file as UTF-8") from None


def _jsonl_rows(path, body):
    rows = []
    for i, line in enumerate(body.split("\n")):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ExportError(f"{path}:{i + 1}: not JSON ({e.msg}); JSONL needs one object per line") from None
        if not isinstance(row, dict):
            kind = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(row), "null")
            raise ExportError(f"{path}:{i + 1}: a JSON {kind}, not an object; JSONL needs one object per line, e.g. {{\"text\": ..., \"label\": ...}}")
        rows.append((i + 1, row))
    return rows


def read_task_file(path, text_column="text", pair_column=None, label_column="label", label2id=None):
    """(texts, pairs or None, labels) from a CSV (header row), TSV (header row, no quoting) or JSONL file.

    Labels are integers, or names looked up in `label2id` (the checkpoint's config)."""
    if not os.path.isfile(path):
        raise ExportError(f"--task-file {path}: no such file")
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".jsonl", ".csv", ".tsv"):
        raise ExportError(f"--task-file {path}: use a .csv, .tsv or .jsonl file")
    body = _read_utf8(path, "--task-file")
    if ext == ".jsonl":
        rows = _jsonl_rows(path, body)
    else:
        # A text may be a whole document: lift csv's 128 KiB field limit (to the largest C long).
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        lines = io.StringIO(body, newline="")
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE) if ext == ".tsv" else csv.DictReader(lines)
        try:
            rows = [(i + 2, r) for i, r in enumerate(reader)]
        except csv.Error as e:
            raise ExportError(f"{path}:{reader.line_num}: not valid {ext[1:].upper()} ({e}); check the quoting") from None
    if not rows:
        raise ExportError(f"{path}: no examples")
    texts, pairs, ys = [], [], []
    for line, r in rows:
        for col in [text_column, label_column] + ([pair_column] if pair_column else []):
            if col not in r or r[col] is None:
                raise ExportError(f"{path}:{line}: no '{col}' field (have {', '.join(map(str, r.keys()))}); choose columns with --text-column/--text-pair-column/--label-column")
        texts.append(str(r[text_column]))
        pairs.append(str(r[pair_column]) if pair_column else None)
        y = r[label_column]
        if isinstance(y, str) and re.fullmatch(r"-?\d+", y.strip()):
            y = int(y)
        elif isinstance(y, str) and label2id and y in label2id:
            y = int(label2id[y])
        if not isinstance(y, int) or isinstance(y, bool) or y < 0:
            names = f" or one of {', '.join(map(repr, label2id))}" if label2id else ""
            raise ExportError(f"{path}:{line}: label {y!r} is not a class index{names}")
        ys.append(y)
    return texts, (pairs if pair_column else None), ys


# ---------------------------------------------------------------------------------------------
# Scores (the same definitions as src/measures/taskMetrics.ts).

def task_score(metric, preds, labels):
    preds = np.asarray(preds)
    labels = np.asarray(labels)
    if metric == "accuracy":
        return float((preds == labels).mean())
    tp = float(((preds == 1) & (labels == 1)).sum())
    fp = float(((preds == 1) & (labels != 1)).sum())
    fn = float(((preds != 1) & (labels == 1)).sum())
    tn = float(((preds != 1) & (labels != 1)).sum())
    if metric == "f1":
        return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    if metric == "mcc":
        den = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        return 0.0 if den == 0 else (tp * tn - fp * fn) / den
    raise ExportError(f"--metric {metric!r}: use accuracy, f1 or mcc")


# ---------------------------------------------------------------------------------------------
# Forward passes and run folders.

def tokenize(tokenizer, texts, pairs, max_length):
    """The exporter's tokenisation: truncation to max_length, padding to the longest in the batch."""
    return tokenizer(texts, pairs, truncation=True, max_length=max_length, padding=True, return_tensors="pt")


def forward(model, tokenizer, texts, pairs, max_length=128, batch_size=32, device="cpu"):
    """(logits [n, C], hidden [L+1, n, d]) in float32: every layer's first-token state."""
    import torch

    logits, hidden = [], []
    model.eval()
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            enc = tokenize(tokenizer, texts[start:start + batch_size], None if pairs is None else pairs[start:start + batch_size], max_length)
            enc = {k: v.to(device) for k, v in enc.items()}
            out = model(**enc, output_hidden_states=True)
            logits.append(out.logits.float().cpu().numpy())
            hidden.append(np.stack([h[:, 0, :].float().cpu().numpy() for h in out.hidden_states]))
    return np.concatenate(logits, 0), np.concatenate(hidden, 1)


def _versions():
    import torch
    import transformers

    return {"torch": torch.__version__, "transformers": transformers.__version__, "numpy": np.__version__}


# What a run folder written by this project may hold (src/runs/runDefinition.ts, RUN_ENTRIES).
RUN_ENTRIES = {"logits.npy", "labels.npy", "hidden.npy", "hidden.json", "metrics.json", "config.json", "final"}


def not_replaceable_reason(out_dir):
    """Why --overwrite may not replace out_dir (None: it may), as src/runs/runDefinition.ts decides:
    only an empty folder or a run folder holding nothing but run files, never the user's own files."""
    if os.path.islink(out_dir) or not os.path.isdir(out_dir):
        return "it is not a folder"
    try:
        entries = os.listdir(out_dir)
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    if not entries:
        return None
    missing = [f for f in ("logits.npy", "labels.npy") if not os.path.isfile(os.path.join(out_dir, f))]
    if missing:
        return f"it is not a run folder (no {' or '.join(missing)})"
    foreign = sorted(e for e in entries if e not in RUN_ENTRIES)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f", … ({len(foreign)} in all)" if len(foreign) > 3 else "")
        return f"it holds {shown}, which no run folder has"
    return None


def check_out(out_dir, overwrite=False):
    """Refuses an --out that cannot be written, before any model is loaded (one line, with the fix)."""
    out_dir = os.path.abspath(out_dir)
    ancestor = os.path.dirname(out_dir)
    while ancestor and not os.path.exists(ancestor) and os.path.dirname(ancestor) != ancestor:
        ancestor = os.path.dirname(ancestor)
    if os.path.exists(ancestor) and not os.path.isdir(ancestor):
        raise ExportError(f"--out {out_dir}: {ancestor} is a file, not a folder; choose a path inside a folder")
    if os.path.lexists(out_dir):
        if not overwrite:
            raise ExportError(f"--out {out_dir} exists; remove it, pass --overwrite, or choose another folder")
        reason = not_replaceable_reason(out_dir)
        if reason:
            raise ExportError(f"--out {out_dir}: refusing to replace it: {reason} (--overwrite replaces only a run folder); choose another folder")
    return out_dir


def _write_files(folder, files):
    for name, value in files.items():
        if name.endswith(".npy"):
            np.save(os.path.join(folder, name), value, allow_pickle=False)
        else:
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                json.dump(value, f, indent=2)
                f.write("\n")


def _write_atomically(out_dir, files, overwrite=False):
    """Writes a run folder through a temporary sibling renamed into place (never half a run); an
    existing run folder is moved aside first and put back if the new one cannot take its place."""
    out_dir = check_out(out_dir, overwrite)
    parent, base = os.path.dirname(out_dir), os.path.basename(out_dir)
    try:
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{base}.tmp-", dir=parent)
    except OSError as e:
        raise ExportError(f"--out {out_dir}: cannot write there ({e.strerror}); check the folder's permissions or choose another") from None
    try:
        _write_files(tmp, files)
        if os.path.lexists(out_dir):
            old = tempfile.mkdtemp(prefix=f".{base}.old-", dir=parent)
            os.rename(out_dir, os.path.join(old, base))
            try:
                os.rename(tmp, out_dir)
            except BaseException:
                os.rename(os.path.join(old, base), out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out_dir)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError):
            hint = "free some space or write elsewhere" if e.errno in (28, 122) else "check the folder's permissions or write elsewhere"
            raise ExportError(f"--out {out_dir}: the run could not be written ({e.strerror}); nothing was kept, {hint}") from None
        raise


def export_run(checkpoint, texts, pairs, labels, out_dir, task="custom", metric="accuracy", split="test",
               max_length=128, batch_size=32, device="cpu", overwrite=False, extra_config=None):
    """Runs one checkpoint on the examples and writes its run folder; returns the metrics dict."""
    check_out(out_dir, overwrite)
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if not os.path.isfile(os.path.join(checkpoint, "config.json")):
        raise ExportError(f"--model {checkpoint}: no config.json; give a folder written by save_pretrained / Trainer")
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint).to(device)
    num_labels = model.config.num_labels
    bad = [y for y in labels if y >= num_labels]
    if bad:
        raise ExportError(f"label {bad[0]} but {checkpoint} has {num_labels} classes; check --label-column or the checkpoint")
    logits, hidden = forward(model, tokenizer, texts, pairs, max_length, batch_size, device)
    preds = logits.argmax(1)
    majority = max(np.bincount(labels, minlength=num_labels)) / len(labels)
    metrics = {
        "task": task,
        "metric": metric,
        "split": split,
        "examples": len(labels),
        "testMetric": task_score(metric, preds, labels),
        "testAccuracy": task_score("accuracy", preds, labels),
        "majorityClassAccuracy": float(majority),
        "checkpoint": os.path.abspath(checkpoint),
    }
    config = {
        "source": "instability_export.py",
        "exporterVersion": EXPORTER_VERSION,
        "model": os.path.abspath(checkpoint),
        "modelType": model.config.model_type,
        "task": task,
        "split": split,
        "devSplitSeed": DEV_SPLIT_SEED if split in ("test", "validation") and glue_task_name(task) else None,
        "examples": len(labels),
        "numLabels": num_labels,
        "maxLength": max_length,
        "batchSize": batch_size,
        "device": str(device),
        "hidden_layers": "hf",
        "hiddenStates": "first token of each sequence; hidden.npy[0] = embeddings output, hidden.npy[i] = output of block i (output_hidden_states)",
        "versions": _versions(),
        "checkpointConfig": model.config.to_dict(),
        **(extra_config or {}),
    }
    _write_atomically(out_dir, {
        "logits.npy": logits.astype(np.float32),
        "labels.npy": np.asarray(labels, dtype=np.int64),
        "hidden.npy": hidden.astype(np.float32),
        "metrics.json": metrics,
        "config.json": config,
    }, overwrite)
    return metrics


def trainer_checkpoints(trainer_dir):
    """The checkpoint-<step> folders of a Trainer output directory, by step."""
    if not os.path.isdir(trainer_dir):
        raise ExportError(f"--trainer-dir {trainer_dir}: no such directory")
    found = [(int(m.group(1)), os.path.join(trainer_dir, d)) for d in os.listdir(trainer_dir)
             if (m := re.fullmatch(r"checkpoint-(\d+)", d)) and os.path.isfile(os.path.join(trainer_dir, d, "config.json"))]
    if not found:
        raise ExportError(f"--trainer-dir {trainer_dir}: no checkpoint-<step> folders with a config.json (pass the Trainer's output_dir, or use --model)")
    return [p for _, p in sorted(found)]


def export_checkpoints(checkpoints, out, examples, names=None, **kwargs):
    """Exports several checkpoints as out/<name>/ (name: the folder's name unless given)."""
    names = names or [os.path.basename(os.path.normpath(c)) for c in checkpoints]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ExportError(f"two checkpoints would both be written to {os.path.join(out, dup[0])}; give folders with distinct names")
    texts, pairs, labels = examples
    for n in names:  # every refusal before the first export, not after it
        check_out(os.path.join(out, n), kwargs.get("overwrite", False))
    return {n: export_run(c, texts, pairs, labels, os.path.join(out, n), **kwargs) for c, n in zip(checkpoints, names)}


# ---------------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description="Export Hugging Face sequence-classification checkpoints as instability-lab run folders.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", nargs="+", metavar="CKPT_DIR", help="checkpoint folder(s), one per seed")
    src.add_argument("--trainer-dir", nargs="+", metavar="DIR", help="Trainer output dir(s): every checkpoint-<step> folder")
    task = p.add_mutually_exclusive_group(required=True)
    task.add_argument("--task", help="GLUE task: rte, mrpc, cola or sst2 (with --glue-dir)")
    task.add_argument("--task-file", help="a .csv / .tsv / .jsonl file of texts and labels (every row is exported)")
    p.add_argument("--glue-dir", default=os.environ.get("GLUE_DIR"), help="directory in the GLUE layout (default $GLUE_DIR)")
    p.add_argument("--split", default="test", help="GLUE: test (default; the half every measure uses), validation, or dev")
    p.add_argument("--text-column", default="text")
    p.add_argument("--text-pair-column", default=None)
    p.add_argument("--label-column", default="label")
    p.add_argument("--metric", default=None, help="accuracy, f1 or mcc (default: the GLUE task's, else accuracy)")
    p.add_argument("--out", required=True, help="run folder (one checkpoint) or runs directory (several)")
    p.add_argument("--limit", type=int, default=None, help="export only the first N examples (a quick look; not for measuring)")
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", default="cpu")
    p.add_argument("--overwrite", action="store_true")
    a = p.parse_args(argv)
    try:
        if a.metric is not None and a.metric not in ("accuracy", "f1", "mcc"):
            raise ExportError(f"--metric {a.metric!r}: use accuracy, f1 or mcc")
        checkpoints = a.model if a.model else [c for d in a.trainer_dir for c in trainer_checkpoints(d)]
        names = None
        if a.trainer_dir and len(a.trainer_dir) > 1:  # one Trainer dir per seed: <dir>-<checkpoint>
            names = [f"{os.path.basename(os.path.normpath(os.path.dirname(c)))}-{os.path.basename(c)}" for c in checkpoints]
        if a.task:
            name = glue_task_name(a.task)
            if not name:
                raise ExportError(f"--task {a.task!r}: GLUE tasks are rte, mrpc, cola, sst2; for other data use --task-file")
            if not a.glue_dir:
                raise ExportError("--task needs --glue-dir DIR (or GLUE_DIR) in the GLUE layout")
            examples = load_glue_examples(a.glue_dir, name, a.split)
            task_label, metric, split = name, a.metric or GLUE[name][1], a.split
        else:
            from transformers import AutoConfig

            label2id = AutoConfig.from_pretrained(checkpoints[0]).label2id
            examples = read_task_file(a.task_file, a.text_column, a.text_pair_column, a.label_column, label2id)
            task_label, metric, split = os.path.splitext(os.path.basename(a.task_file))[0], a.metric or "accuracy", "all"
        if a.limit is not None:
            if a.limit < 2:
                raise ExportError(f"--limit {a.limit}: need at least 2 examples")
            examples = tuple(None if part is None else part[:a.limit] for part in examples)
        extra = {"limit": a.limit}
        if a.task_file:
            extra["taskFile"] = os.path.abspath(a.task_file)
            # So that per-example views (`instability examples`) can show each example's text.
            extra["textColumn"], extra["textPairColumn"] = a.text_column, a.text_pair_column
        opts = dict(task=task_label, metric=metric, split=split, max_length=a.max_length, batch_size=a.batch_size,
                    device=a.device, overwrite=a.overwrite, extra_config=extra)
        if len(checkpoints) == 1 and not a.trainer_dir:
            results = {os.path.basename(os.path.normpath(a.out)): export_run(checkpoints[0], *examples, a.out, **opts)}
        else:
            results = export_checkpoints(checkpoints, a.out, examples, names, **opts)
    except ExportError as e:
        print(f"instability_export: {e}", file=sys.stderr)
        return 1
    for name, m in results.items():
        print(f"{name}: {m['examples']} examples, {m['metric']} {m['testMetric']:.4f}")
    print(f"wrote {len(results)} run folder(s); measure them with: instability measure {a.out if len(results) > 1 else os.path.dirname(os.path.abspath(a.out))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
