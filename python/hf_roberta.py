"""A small random RoBERTa with a byte-level BPE tokenizer, both written by their own libraries, and
the reference encodings and forward pass.

stdin: {"dir": output folder, "corpus": [str] (tokenizer training text), "vocabSize": int,
        "maxLength": int, "single": [str], "pairs": [[str, str]], "batchSize": rows per padded batch}
Writes into dir, with save_pretrained: RobertaTokenizerFast (BPE trained by `tokenizers`) and a
RobertaForSequenceClassification (3 labels) with transformers' random init from torch seed 0.
stdout: {"single": encodings, "pairs": encodings, "singleBatches", "pairBatches": padded batches,
         "forward": {"logits", "firstTokens": [L+1][batch][hidden], "lastHidden": [batch][seq][hidden]}
         for the first pair batch}
"""
import json
import os
import sys
import tempfile

import torch
from tokenizers import ByteLevelBPETokenizer
from transformers import RobertaConfig, RobertaForSequenceClassification, RobertaTokenizerFast

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
KEYS = ("input_ids", "token_type_ids", "attention_mask")


def main() -> None:
    req = json.load(sys.stdin)
    out = req["dir"]
    os.makedirs(out, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(req["corpus"], vocab_size=req["vocabSize"], min_frequency=2, special_tokens=SPECIALS)
    with tempfile.TemporaryDirectory() as tmp:
        bpe.save_model(tmp)
        tok = RobertaTokenizerFast(os.path.join(tmp, "vocab.json"), os.path.join(tmp, "merges.txt"))
    tok.model_max_length = req["maxLength"]
    tok.save_pretrained(out)

    torch.manual_seed(0)
    config = RobertaConfig(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                           intermediate_size=128, max_position_embeddings=req["maxLength"] + 2, type_vocab_size=1,
                           pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                           num_labels=3)
    model = RobertaForSequenceClassification(config)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)

    def enc(a, b=None, padding=False):
        e = tok(a, b, truncation="longest_first", max_length=req["maxLength"], padding=padding,
                return_token_type_ids=True, return_attention_mask=True)
        return {k: e[k] for k in KEYS}

    singles, pairs = req["single"], req["pairs"]
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    bs = req["batchSize"]
    res = {
        "single": [enc(s) for s in singles],
        "pairs": [enc(a, b) for a, b in pairs],
        "singleBatches": [enc(singles[i:i + bs], padding="longest") for i in range(0, len(singles), bs)],
        "pairBatches": [enc(firsts[i:i + bs], seconds[i:i + bs], padding="longest") for i in range(0, len(pairs), bs)],
    }
    b = res["pairBatches"][0]
    with torch.no_grad():
        o = model(input_ids=torch.tensor(b["input_ids"]), attention_mask=torch.tensor(b["attention_mask"]),
                  output_hidden_states=True)
    res["forward"] = {"logits": o.logits.tolist(), "firstTokens": [h[:, 0, :].tolist() for h in o.hidden_states],
                      "lastHidden": o.hidden_states[-1].tolist()}
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
