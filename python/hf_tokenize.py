"""Reference encodings from Hugging Face transformers' fast tokenizer (the tests' oracle).

stdin: {"dir": tokenizer folder, "maxLength": int, "batchSize": int,
        "groups": [[{"text": str, "textPair": str | null}, ...], ...]}  (a group: all singles or all pairs)
stdout: {"fast": bool, "class": str, "groups": [{"rows": [{"input_ids", "token_type_ids", "attention_mask"}],
         "batches": [the same three keys, padded to the longest row of each batch of batchSize]}]}
"""
import json
import sys

from transformers import AutoTokenizer


def main() -> None:
    req = json.load(sys.stdin)
    tok = AutoTokenizer.from_pretrained(req["dir"], use_fast=True)
    max_len = req["maxLength"]
    keys = ("input_ids", "token_type_ids", "attention_mask")

    def encode(chunk, padding):
        texts = [it["text"] for it in chunk]
        pairs = [it.get("textPair") for it in chunk]
        has_pair = any(p is not None for p in pairs)
        if has_pair and not all(p is not None for p in pairs):
            raise SystemExit("a batch mixes single sentences and pairs")
        enc = tok(texts, pairs if has_pair else None, truncation="longest_first", max_length=max_len,
                  padding=padding, return_token_type_ids=True, return_attention_mask=True)
        return {k: enc[k] for k in keys}

    bs = req["batchSize"]
    groups = []
    for items in req["groups"]:
        rows = encode(items, False)
        groups.append({
            "rows": [{k: rows[k][i] for k in keys} for i in range(len(items))],
            "batches": [encode(items[i:i + bs], "longest") for i in range(0, len(items), bs)],
        })
    json.dump({"fast": tok.is_fast, "class": type(tok).__name__, "groups": groups}, sys.stdout)


if __name__ == "__main__":
    main()
