"""Checkpoints in both directions between this project and transformers.

stdin: {"ours": a BertForSequenceClassification folder this project saved,
        "source": a BertModel folder, "saveDir": where transformers writes its own checkpoint,
        "numLabels": int, "inputIds", "tokenTypeIds", "attentionMask" (flat), "batchSize", "seqLength"}
1. loads "ours" with from_pretrained and computes its logits;
2. builds a BertForSequenceClassification from "source" (a new head from torch's seed 1), saves it
   and the tokenizer with save_pretrained (safetensors) into saveDir, and computes its logits.
stdout: {"ours": {"class", "missing", "unexpected", "logits"}, "saved": {"files", "logits"}}
"""
import json
import os
import sys

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def logits(model, req):
    shape = (req["batchSize"], req["seqLength"])
    with torch.no_grad():
        out = model(input_ids=torch.tensor(req["inputIds"]).view(shape),
                    token_type_ids=torch.tensor(req["tokenTypeIds"]).view(shape),
                    attention_mask=torch.tensor(req["attentionMask"]).view(shape))
    return out.logits.tolist()


def main() -> None:
    req = json.load(sys.stdin)
    ours, info = AutoModelForSequenceClassification.from_pretrained(req["ours"], output_loading_info=True, torch_dtype=torch.float32)
    ours.eval()
    res = {"ours": {"class": type(ours).__name__, "missing": info["missing_keys"], "unexpected": info["unexpected_keys"],
                    "logits": logits(ours, req)}}
    torch.manual_seed(1)
    theirs = AutoModelForSequenceClassification.from_pretrained(req["source"], num_labels=req["numLabels"], torch_dtype=torch.float32)
    theirs.eval()
    theirs.save_pretrained(req["saveDir"], safe_serialization=True)
    AutoTokenizer.from_pretrained(req["source"]).save_pretrained(req["saveDir"])
    res["saved"] = {"files": sorted(os.listdir(req["saveDir"])), "logits": logits(theirs, req)}
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
