# The PyTorch side of bench/finetune.bench.ts: the same fine-tuning run as
# `instability finetune --task spam --max-train-examples 500 --epochs 3 --lr 5e-4 --max-length 64`
# on THREADS threads (default 1; intra-op and BLAS), from the same checkpoint (model.safetensors read with NumPy) and the same token
# ids (bench/finetune-data.ts): BERT post-LN with exact GELU, a new classifier head (normal 0.02),
# dropout 0.1, batch 16 padded to the longest row, AdamW (eps 1e-6, decay 0.01 except biases and
# LayerNorm), 10% warm-up then linear decay, clipping at 1.0, validation after every epoch
# (batch 64, examples in length order as ours), the best epoch's model scored on the test half. Prints one JSON object.
# Usage: torch_finetune.py MODEL_DIR DATA.json EPOCHS LR SEED [THREADS]
import json, math, struct, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

t_start, c_start = time.perf_counter(), time.process_time()
model_dir, data_path, EPOCHS, LR, SEED = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
THREADS = int(sys.argv[6]) if len(sys.argv) > 6 else 1
torch.set_num_threads(THREADS)


def blas_setup():
    """The BLAS torch runs on, and how it threads. An OpenMP OpenBLAS shares PyTorch's OpenMP threads;
    the pthreads build starts THREADS threads of its own beside PyTorch's, and both spin for the two
    cores (this spam run on 2 cores: 32 s, against 10.3 s with the OpenMP build), so with more than one
    thread it gets one and PyTorch's own threads run the rest."""
    import ctypes
    torch.ones(8, 8) @ torch.ones(8, 8)  # loads the BLAS
    maps = open("/proc/self/maps").read().split("\n")
    libs = [line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line]
    path = next((l for l in libs if "libblas" in l or "libopenblas" in l), libs[0] if libs else None)
    if path is None or "openblas" not in path:
        return path or "?"
    lib = ctypes.CDLL(path)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    mode = {0: "sequential", 1: "pthreads", 2: "OpenMP"}.get(lib.openblas_get_parallel(), "?")
    if mode == "pthreads" and THREADS > 1:
        lib.openblas_set_num_threads(1)
        mode += ", 1 thread"
    return f"{path} (OpenBLAS {lib.openblas_get_corename().decode()}, {mode})"


BLAS = blas_setup()
torch.manual_seed(SEED)
cfg = json.load(open(f"{model_dir}/config.json"))
data = json.load(open(data_path))
H, A, L, FF = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"], cfg["intermediate_size"]
EPS, P_DROP, C, PAD = cfg["layer_norm_eps"], cfg["hidden_dropout_prob"], data["numLabels"], data["padTokenId"]


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", f"{name}: {e['dtype']}"
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(e["shape"]).copy())
    return out


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.attn_out, self.ln1 = nn.Linear(H, H), nn.LayerNorm(H, eps=EPS)
        self.inter, self.out, self.ln2 = nn.Linear(H, FF), nn.Linear(FF, H), nn.LayerNorm(H, eps=EPS)
        self.drop = nn.Dropout(P_DROP)

    def forward(self, h, ext):
        B, S, _ = h.shape
        d = H // A
        heads = lambda x: x.view(B, S, A, d).transpose(1, 2)
        q, k, v = heads(self.query(h)), heads(self.key(h)), heads(self.value(h))
        probs = self.drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + ext, dim=-1))
        ctx = (probs @ v).transpose(1, 2).reshape(B, S, H)
        h1 = self.ln1(self.drop(self.attn_out(ctx)) + h)
        return self.ln2(self.drop(self.out(F.gelu(self.inter(h1)))) + h1)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(cfg["vocab_size"], H)
        self.pos, self.typ = nn.Embedding(cfg["max_position_embeddings"], H), nn.Embedding(cfg["type_vocab_size"], H)
        self.ln, self.drop = nn.LayerNorm(H, eps=EPS), nn.Dropout(P_DROP)
        self.layers = nn.ModuleList([Layer() for _ in range(L)])
        self.pooler, self.classifier = nn.Linear(H, H), nn.Linear(H, C)

    def forward(self, ids, types, mask):
        S = ids.shape[1]
        h = self.drop(self.ln(self.word(ids) + self.pos(torch.arange(S)[None]) + self.typ(types)))
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            h = layer(h, ext)
        return self.classifier(self.drop(torch.tanh(self.pooler(h[:, 0]))))


def load(model):
    w = read_safetensors(f"{model_dir}/model.safetensors")
    p = "bert"
    m = {"word.weight": f"{p}.embeddings.word_embeddings.weight", "pos.weight": f"{p}.embeddings.position_embeddings.weight",
         "typ.weight": f"{p}.embeddings.token_type_embeddings.weight", "ln.weight": f"{p}.embeddings.LayerNorm.weight",
         "ln.bias": f"{p}.embeddings.LayerNorm.bias", "pooler.weight": f"{p}.pooler.dense.weight", "pooler.bias": f"{p}.pooler.dense.bias"}
    parts = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
             "attn_out": "attention.output.dense", "ln1": "attention.output.LayerNorm", "inter": "intermediate.dense",
             "out": "output.dense", "ln2": "output.LayerNorm"}
    for l in range(L):
        for ours, hf in parts.items():
            for t in ("weight", "bias"):
                m[f"layers.{l}.{ours}.{t}"] = f"{p}.encoder.layer.{l}.{hf}.{t}"
    state = model.state_dict()
    for ours, hf in m.items():
        state[ours] = w[hf]
    nn.init.normal_(state["classifier.weight"], std=cfg["initializer_range"])
    state["classifier.bias"].zero_()
    model.load_state_dict(state)


def batch(half, idx):
    S = max(len(half["inputIds"][i]) for i in idx)
    ids = torch.full((len(idx), S), PAD, dtype=torch.long)
    types = torch.zeros((len(idx), S), dtype=torch.long)
    mask = torch.zeros((len(idx), S), dtype=torch.long)
    for r, i in enumerate(idx):
        n = len(half["inputIds"][i])
        ids[r, :n] = torch.tensor(half["inputIds"][i])
        types[r, :n] = torch.tensor(half["tokenTypeIds"][i])
        mask[r, :n] = 1
    return ids, types, mask, torch.tensor([half["labels"][i] for i in idx])


def accuracy(model, half):
    model.eval()
    right = 0
    n = len(half["labels"])
    # batches of similar length, as src/train/finetune/evaluate.ts runs them
    order = sorted(range(n), key=lambda i: (len(half["inputIds"][i]), i))
    with torch.no_grad():
        for s in range(0, n, 64):
            ids, types, mask, y = batch(half, order[s:s + 64])
            right += int((model(ids, types, mask).argmax(-1) == y).sum())
    model.train()
    return right / n


model = Model()
load(model)
no_decay = lambda n: n.endswith("bias") or ".ln" in n or n.startswith("ln.")
groups = [{"params": [p for n, p in model.named_parameters() if not no_decay(n)], "weight_decay": 0.01},
          {"params": [p for n, p in model.named_parameters() if no_decay(n)], "weight_decay": 0.0}]
opt = torch.optim.AdamW(groups, lr=LR, eps=1e-6)
train = data["train"]
n_train = len(train["labels"])
steps_per_epoch = math.ceil(n_train / 16)
total = steps_per_epoch * EPOCHS
warmup = math.floor(0.1 * total)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: k / max(1, warmup) if k < warmup else max(0.0, (total - k) / max(1, total - warmup)))
g = torch.Generator().manual_seed(SEED)
best, best_state, val = -1.0, None, []
t_train = 0.0
for epoch in range(EPOCHS):
    t0 = time.perf_counter()
    order = torch.randperm(n_train, generator=g).tolist()
    for s in range(0, n_train, 16):
        ids, types, mask, y = batch(train, order[s:s + 16])
        opt.zero_grad()
        F.cross_entropy(model(ids, types, mask), y).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    t_train += time.perf_counter() - t0
    val.append(accuracy(model, data["validation"]))
    if val[-1] > best:
        best, best_state = val[-1], {k: v.clone() for k, v in model.state_dict().items()}
model.load_state_dict(best_state)
test_acc = accuracy(model, data["test"])
print(json.dumps({"backend": f"pytorch {torch.__version__} ({THREADS} thread{'s' if THREADS > 1 else ''})", "blas": BLAS, "threads": THREADS, "wall_s": time.perf_counter() - t_start,
                  "cpu_s": time.process_time() - c_start, "train_wall_s": t_train, "validation": val, "test_accuracy": test_acc}))
