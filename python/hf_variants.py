"""Writes variants of a BertModel checkpoint's safetensors, to test loading the layouts HF accepts.

argv: SRC_DIR OUT_ROOT VARIANT... writes OUT_ROOT/VARIANT for each VARIANT, one of
  prefixed   every name under "bert." (as BertFor* models save them)
  no-pooler  the pooler weights removed
config.json and the tokenizer files are copied unchanged.
"""
import os
import shutil
import sys

from safetensors.torch import load_file, save_file

FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]


def write(src: str, out: str, variant: str) -> None:
    os.makedirs(out, exist_ok=True)
    tensors = load_file(os.path.join(src, "model.safetensors"))
    if variant == "prefixed":
        tensors = {f"bert.{k}": v for k, v in tensors.items()}
    elif variant == "no-pooler":
        tensors = {k: v for k, v in tensors.items() if not k.startswith("pooler.")}
    else:
        raise SystemExit(f"unknown variant {variant!r}")
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    for f in FILES:
        if os.path.exists(os.path.join(src, f)):
            shutil.copy(os.path.join(src, f), os.path.join(out, f))


def main() -> None:
    src, root, *variants = sys.argv[1:]
    for v in variants:
        write(src, os.path.join(root, v), v)


if __name__ == "__main__":
    main()
