"""Reference fine-tuning steps with PyTorch and transformers' own optimizer and schedule.

The paper's protocol (method.md §3): transformers.AdamW (eps added to sqrt(v), bias correction,
decoupled weight decay 0.01 after the Adam step; no decay on biases and LayerNorm weights),
get_linear_schedule_with_warmup (warm-up over 10% of the updates, the first update at LR 0),
clip_grad_norm_(1.0), cross-entropy on the classification head, dropout 0.

stdin: {"dir": BertForSequenceClassification checkpoint, "lr": float, "totalSteps": int,
        "warmupRatio": float, "gradsOut": path for the first step's gradients (safetensors),
        "finalOut": path for the parameters after the last update (safetensors),
        "batches": [{"inputIds", "tokenTypeIds", "attentionMask" (flat), "batchSize", "seqLength", "labels"}]}
stdout: {"missing": [...], "unexpected": [...], "losses": [...], "lrs": [...], "gradNorms": [...]}
"""
import json
import sys
import warnings

import torch
from safetensors.torch import save_file
from transformers import AutoModelForSequenceClassification, get_linear_schedule_with_warmup
from transformers.optimization import AdamW


def main() -> None:
    req = json.load(sys.stdin)
    torch.manual_seed(0)
    model, info = AutoModelForSequenceClassification.from_pretrained(
        req["dir"], output_loading_info=True, torch_dtype=torch.float32,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, classifier_dropout=0.0)
    model.train()
    no_decay = ["bias", "LayerNorm.weight"]
    named = list(model.named_parameters())
    groups = [
        {"params": [p for n, p in named if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in named if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # transformers' AdamW is deprecated, but it is the paper's
        opt = AdamW(groups, lr=req["lr"], betas=(0.9, 0.999), eps=1e-6, correct_bias=True)
    total = req["totalSteps"]
    sched = get_linear_schedule_with_warmup(opt, num_warmup_steps=req["warmupRatio"] * total, num_training_steps=total)
    losses, lrs, norms = [], [], []
    for k, b in enumerate(req["batches"]):
        shape = (b["batchSize"], b["seqLength"])
        out = model(input_ids=torch.tensor(b["inputIds"]).view(shape),
                    token_type_ids=torch.tensor(b["tokenTypeIds"]).view(shape),
                    attention_mask=torch.tensor(b["attentionMask"]).view(shape),
                    labels=torch.tensor(b["labels"]))
        opt.zero_grad()
        out.loss.backward()
        if k == 0:
            save_file({n: p.grad.detach().clone().contiguous() for n, p in named if p.grad is not None}, req["gradsOut"])
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)))
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
        losses.append(float(out.loss))
    save_file({n: p.detach().clone().contiguous() for n, p in named}, req["finalOut"])
    json.dump({"missing": info["missing_keys"], "unexpected": info["unexpected_keys"],
               "losses": losses, "lrs": lrs, "gradNorms": norms}, sys.stdout)


if __name__ == "__main__":
    main()
