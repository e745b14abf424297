"""Reference forward pass of a checkpoint with Hugging Face transformers (float32, eval mode).

stdin: a list of requests, each {"dir": checkpoint folder, "head": "none" | "classification",
        "inputIds", "tokenTypeIds" (or null), "attentionMask": flat row-major [batch*seq] lists,
        "batchSize", "seqLength", "forward": false to only load (and report what was missing)}
stdout: a list of outputs, each {"class": model class, "missing": newly initialised weights (from_pretrained's loading info),
         "firstTokens": [L+1][batch][hidden] (output_hidden_states, token 0),
         "lastHidden": [batch][seq][hidden], "pooled": [batch][hidden] or null, "logits" or null}
"""
import json
import sys

import torch
from transformers import AutoModel, AutoModelForSequenceClassification


def run(req):
    torch.manual_seed(0)
    cls = AutoModelForSequenceClassification if req["head"] == "classification" else AutoModel
    model, info = cls.from_pretrained(req["dir"], output_loading_info=True, torch_dtype=torch.float32)
    model.eval()
    res = {"class": type(model).__name__, "missing": sorted(info["missing_keys"])}
    if req.get("forward") is False:
        return res
    shape = (req["batchSize"], req["seqLength"])
    ids = torch.tensor(req["inputIds"], dtype=torch.long).view(shape)
    mask = torch.tensor(req["attentionMask"], dtype=torch.long).view(shape)
    types = req.get("tokenTypeIds")
    kwargs = {"input_ids": ids, "attention_mask": mask, "output_hidden_states": True}
    if types is not None:
        kwargs["token_type_ids"] = torch.tensor(types, dtype=torch.long).view(shape)
    with torch.no_grad():
        out = model(**kwargs)
    res.update({"firstTokens": [h[:, 0, :].tolist() for h in out.hidden_states],
           "lastHidden": out.hidden_states[-1].tolist(), "pooled": None, "logits": None})
    if req["head"] == "classification":
        res["logits"] = out.logits.tolist()
    else:
        res["pooled"] = out.pooler_output.tolist() if out.pooler_output is not None else None
    return res


def main() -> None:
    json.dump([run(req) for req in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
