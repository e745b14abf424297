# Independent NumPy (float64) implementation of Hugging Face's BERT / RoBERTa forward pass, used
# by reference.test.ts. It writes a random-weight checkpoint in HF layout (config.json and a
# hand-written model.safetensors) and prints the inputs, logits, every layer's first-token hidden
# state and the BERT pre-training outputs (MLM loss, next-sentence logits and loss) as JSON. Usage: reference_forward.py OUT_DIR bert|roberta SEED
import json, math, struct, sys
import numpy as np

out_dir, arch, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(seed)
H, A, F, L, V, P, NL = 32, 4, 48, 3, 50, 40, 3
pad = 0 if arch == "bert" else 1
cfg = dict(model_type=arch, vocab_size=V, hidden_size=H, num_attention_heads=A, intermediate_size=F,
           num_hidden_layers=L, max_position_embeddings=P, type_vocab_size=2 if arch == "bert" else 1,
           hidden_act="gelu", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
           initializer_range=0.02, layer_norm_eps=1e-12 if arch == "bert" else 1e-5, pad_token_id=pad,
           id2label={str(i): f"L{i}" for i in range(NL)}, label2id={f"L{i}": i for i in range(NL)})
W = {}
def lin(name, o, i):
    W[name + ".weight"] = rng.normal(0, 0.15, (o, i)).astype(np.float32)
    W[name + ".bias"] = rng.normal(0, 0.1, (o,)).astype(np.float32)
def lnorm(name, d=H):
    W[name + ".weight"] = (1 + rng.normal(0, 0.2, (d,))).astype(np.float32)
    W[name + ".bias"] = rng.normal(0, 0.1, (d,)).astype(np.float32)
p = arch
W[f"{p}.embeddings.word_embeddings.weight"] = rng.normal(0, 0.5, (V, H)).astype(np.float32)
W[f"{p}.embeddings.position_embeddings.weight"] = rng.normal(0, 0.5, (P, H)).astype(np.float32)
W[f"{p}.embeddings.token_type_embeddings.weight"] = rng.normal(0, 0.5, (cfg["type_vocab_size"], H)).astype(np.float32)
lnorm(f"{p}.embeddings.LayerNorm")
for l in range(L):
    b = f"{p}.encoder.layer.{l}"
    for n in ("query", "key", "value"):
        lin(f"{b}.attention.self.{n}", H, H)
    lin(f"{b}.attention.output.dense", H, H); lnorm(f"{b}.attention.output.LayerNorm")
    lin(f"{b}.intermediate.dense", F, H); lin(f"{b}.output.dense", H, F); lnorm(f"{b}.output.LayerNorm")
if arch == "bert":
    lin(f"{p}.pooler.dense", H, H); lin("classifier", NL, H)
    lin("cls.predictions.transform.dense", H, H); lnorm("cls.predictions.transform.LayerNorm")
    W["cls.predictions.bias"] = rng.normal(0, 0.1, (V,)).astype(np.float32)
    lin("cls.seq_relationship", 2, H)
else:
    lin("classifier.dense", H, H); lin("classifier.out_proj", NL, H)

# safetensors by hand: u64 header length, JSON header, raw little-endian data
header, off, blobs = {"__metadata__": {"format": "pt"}}, 0, []
for name in W:
    a = np.ascontiguousarray(W[name], dtype="<f4")
    header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
    off += a.nbytes; blobs.append(a.tobytes())
hb = json.dumps(header).encode()
with open(f"{out_dir}/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(hb))); f.write(hb); f.write(b"".join(blobs))
with open(f"{out_dir}/config.json", "w") as f:
    json.dump(cfg, f)

# a padded batch: row lengths differ, padding at the end
B, S = 3, 9
lengths = [9, 6, 4]
ids = np.full((B, S), pad, dtype=np.int64); mask = np.zeros((B, S), dtype=np.int64); tt = np.zeros((B, S), dtype=np.int64)
for r, n in enumerate(lengths):
    ids[r, :n] = rng.integers(3, V, n); mask[r, :n] = 1
    if arch == "bert": tt[r, n // 2:n] = 1

w = {k: v.astype(np.float64) for k, v in W.items()}
erf = np.vectorize(math.erf)
def layer_norm(x, name):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + cfg["layer_norm_eps"]) * w[name + ".weight"] + w[name + ".bias"]
def dense(x, name):
    return x @ w[name + ".weight"].T + w[name + ".bias"]
def gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))
if arch == "bert":
    pos = np.tile(np.arange(S), (B, 1))
else:  # create_position_ids_from_input_ids
    m = (ids != pad).astype(np.int64); pos = np.cumsum(m, axis=1) * m + pad
h = w[f"{p}.embeddings.word_embeddings.weight"][ids] + w[f"{p}.embeddings.position_embeddings.weight"][pos] \
    + w[f"{p}.embeddings.token_type_embeddings.weight"][tt]
h = layer_norm(h, f"{p}.embeddings.LayerNorm")
hidden = [h[:, 0, :]]
d = H // A
ext = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min
for l in range(L):
    b = f"{p}.encoder.layer.{l}"
    def heads(x): return x.reshape(B, S, A, d).transpose(0, 2, 1, 3)
    q, k, v = (heads(dense(h, f"{b}.attention.self.{n}")) for n in ("query", "key", "value"))
    sc = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + ext
    sc = sc - sc.max(-1, keepdims=True); pr = np.exp(sc); pr /= pr.sum(-1, keepdims=True)
    ctx = (pr @ v).transpose(0, 2, 1, 3).reshape(B, S, H)
    h1 = layer_norm(dense(ctx, f"{b}.attention.output.dense") + h, f"{b}.attention.output.LayerNorm")
    h = layer_norm(dense(gelu(dense(h1, f"{b}.intermediate.dense")), f"{b}.output.dense") + h1, f"{b}.output.LayerNorm")
    hidden.append(h[:, 0, :])
first = h[:, 0, :]
if arch == "bert":
    logits = dense(np.tanh(dense(first, f"{p}.pooler.dense")), "classifier")
else:
    logits = dense(np.tanh(dense(first, "classifier.dense")), "classifier.out_proj")
result = dict(inputIds=ids.ravel().tolist(), attentionMask=mask.ravel().tolist(), tokenTypeIds=tt.ravel().tolist(),
              batchSize=B, seqLength=S, logits=logits.tolist(), hidden=[x.tolist() for x in hidden])
if arch == "bert":
    positions = np.array([1, 3, 9 + 2, 18 + 1]); labels = rng.integers(0, V, len(positions))
    x = h.reshape(B * S, H)[positions]
    t = layer_norm(gelu(dense(x, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
    lg = t @ w[f"{p}.embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]
    lg = lg - lg.max(-1, keepdims=True); lsm = lg - np.log(np.exp(lg).sum(-1, keepdims=True))
    result.update(mlmPositions=positions.tolist(), mlmLabels=labels.tolist(),
                  mlmLoss=float(-lsm[np.arange(len(labels)), labels].mean()))
    ns = dense(np.tanh(dense(first, f"{p}.pooler.dense")), "cls.seq_relationship")
    ns_labels = np.array([0, 1, 1])
    ns_lsm = ns - ns.max(-1, keepdims=True); ns_lsm = ns_lsm - np.log(np.exp(ns_lsm).sum(-1, keepdims=True))
    result.update(nextSentenceLogits=ns.tolist(), nextSentenceLabels=ns_labels.tolist(),
                  nextSentenceLoss=float(-ns_lsm[np.arange(B), ns_labels].mean()))
print(json.dumps(result))
