"""The MLP trainer (PyTorch): fit → epoch → step, early stopping, a small candidate search.

CUDA when available, else the CPU with one thread (two threads on a busy 2-core box were
5–10× slower here). Reproducible with a seed. Rare classes are weighted, and the binary
decision threshold is tuned on validation for F1.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import metrics as MX
from .adam import adam, decay_lr


@dataclass
class TrainConfig:
    problem: str                 # binary | multiclass | regression
    objective: str
    n_classes: int = 2
    max_runtime_s: float = 5400.0
    seed: int = 42
    hidden: list | None = None   # one architecture, or None for the search
    learning_rate: float | None = None
    epochs: int = 60
    batch_size: int = 1024
    patience: int = 10
    weight_decay: float = 1e-5
    selection: str = "average_precision"   # binary F1: choose epochs and candidates by AP
    pos_weight: float | None = None        # binary: weight of the rare class (None: sqrt of the ratio)
    lr_decay: float = 1.0                  # learning rate × this after every epoch
    size_margin: float = 0.005             # a larger candidate must beat the best by this
    ensemble: bool = True                  # average the candidates when that validates better
    distill: list | None = None            # train this small network on the chosen model's logits
    distill_margin: float = 0.01           # … and keep it unless it validates worse by more than this
    distill_lr: float = 3e-3
    distill_patience: int = 5              # the student follows a fixed target: it settles sooner


@dataclass
class TrainedNet:
    hidden: list
    weights: list               # [(W (out,in), b (out,)), …] as float32 numpy (the first member)
    threshold: float = 0.5      # binary: probability cut tuned on validation
    y_mean: float = 0.0
    y_std: float = 1.0
    score: float = 0.0          # validation objective
    epochs: int = 0
    learning_rate: float = 0.0
    history: list = field(default_factory=list)
    members: list = field(default_factory=list)  # [weights, …]: an ensemble averages their outputs

    def all_members(self) -> list:
        return self.members or [self.weights]


def candidates(cfg: TrainConfig) -> list[tuple[list, float]]:
    if cfg.hidden is not None:
        return [(list(cfg.hidden), cfg.learning_rate or 3e-3)]
    lrs = [cfg.learning_rate] if cfg.learning_rate else None
    # smallest first: a larger network must beat the best clearly (it costs more to score);
    # the ensemble of all three usually beats each of them (benchmarks/ml.py: median holdout
    # F1 0.871 against 0.846 for a grid of three small networks)
    grid = [([32], 5e-3), ([64, 32], 3e-3), ([128, 64], 1e-3)]
    return [(h, lrs[0] if lrs else lr) for h, lr in grid]


def device():
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _forward(linears: list, x):
    """The network's training forward pass without nn.Module's call machinery: the same
    kernels in the same order (so the same numbers and gradients), minus ~1.5 s of a 25 s
    CREATE MODEL spent in Module.__call__ bookkeeping for six modules a step."""
    import torch.nn.functional as F
    last = len(linears) - 1
    for i, lin in enumerate(linears):
        x = F.linear(x, lin.weight, lin.bias)
        if i < last:
            x = F.relu(x)
    return x


def _linears(model) -> list:
    import torch
    return [m for m in model if isinstance(m, torch.nn.Linear)]


def _build(n_in: int, hidden: list, n_out: int):
    import torch.nn as nn
    layers, width = [], n_in
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def _score(cfg: TrainConfig, y: np.ndarray, out: np.ndarray, net: TrainedNet | None = None) -> tuple[float, float]:
    """(validation objective, binary threshold) — higher is better (losses negated)."""
    if cfg.problem == "binary":
        p = 1.0 / (1.0 + np.exp(-out[:, 0].astype(np.float64)))
        if cfg.objective == "AUC":
            return MX.auc(y, p), 0.5
        if cfg.objective == "Accuracy":
            return MX.accuracy(y, (p >= 0.5).astype(int)), 0.5
        # F1 at its best threshold jumps with every one of the few rare-class rows; average
        # precision ranks the same way but moves smoothly, so early stopping and model
        # choice follow it, and the F1 threshold is tuned on the chosen model
        if cfg.selection == "average_precision":
            _, thr = MX.best_f1_threshold(y, p)
            return MX.average_precision(y, p), thr
        f1, thr = MX.best_f1_threshold(y, p)
        return f1, thr
    if cfg.problem == "multiclass":
        pred = out.argmax(1)
        if cfg.objective == "F1_Macro":
            return MX.f1_macro(y, pred, cfg.n_classes), 0.5
        return MX.accuracy(y, pred), 0.5
    return -MX.mse(y, out[:, 0]), 0.5


def _train_epoch(model, opt, n: int, gen, batch_size: int, batch_loss) -> None:
    """One pass over the rows in the generator's order, a mini-batch at a time."""
    import torch
    model.train()
    perm = torch.randperm(n, generator=gen).to(next(model.parameters()).device)
    for i in range(0, n, batch_size):
        opt.zero_grad(set_to_none=True)
        batch_loss(perm[i:i + batch_size]).backward()
        opt.step()


def _validate(model, Xv, y_va: np.ndarray, cfg: TrainConfig, y_mean: float, y_std: float) -> tuple[float, float]:
    """The validation objective (and binary threshold) of the model as it stands."""
    import torch
    model.eval()
    with torch.no_grad():
        out_v = model(Xv).float().cpu().numpy()
    if cfg.problem == "regression":
        out_v = out_v * y_std + y_mean
    return _score(cfg, y_va, out_v)


def _weights_of(model) -> list:
    import torch
    return [(m.weight.detach().cpu().numpy().copy(), m.bias.detach().cpu().numpy().copy())
            for m in model if isinstance(m, torch.nn.Linear)]


def fit(X_tr: np.ndarray, y_tr: np.ndarray, X_va: np.ndarray, y_va: np.ndarray, cfg: TrainConfig,
        progress=None) -> TrainedNet:
    import torch
    torch.set_num_threads(1)
    dev = device()
    t_start = time.monotonic()
    deadline = t_start + cfg.max_runtime_s
    n_out = 1 if cfg.problem in ("binary", "regression") else cfg.n_classes
    y_mean, y_std = 0.0, 1.0
    if cfg.problem == "regression":
        y_mean, y_std = float(y_tr.mean()), float(y_tr.std() or 1.0)
    Xt = torch.from_numpy(X_tr).to(dev)
    Xv = torch.from_numpy(X_va).to(dev)
    if cfg.problem == "regression":
        yt = torch.from_numpy(((y_tr - y_mean) / y_std).astype(np.float32)).to(dev)
    elif cfg.problem == "binary":
        yt = torch.from_numpy(y_tr.astype(np.float32)).to(dev)
    else:
        yt = torch.from_numpy(y_tr.astype(np.int64)).to(dev)
    if cfg.problem == "binary":
        pos = max(float(y_tr.sum()), 1.0)
        neg = max(float(len(y_tr) - y_tr.sum()), 1.0)
        # square-root weighting: the rare class counts, the threshold does the rest
        w = cfg.pos_weight if cfg.pos_weight is not None else math.sqrt(neg / pos)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w, device=dev))
    elif cfg.problem == "multiclass":
        counts = np.bincount(y_tr.astype(np.int64), minlength=cfg.n_classes).astype(np.float64)
        w = np.sqrt(counts.sum() / np.maximum(counts, 1) / cfg.n_classes)
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32, device=dev))
    else:
        loss_fn = torch.nn.MSELoss()
    best: TrainedNet | None = None
    trained: list = []  # (score, weights, validation output) of every candidate
    cands = candidates(cfg)
    for ci, (hidden, lr) in enumerate(cands):
        if time.monotonic() > deadline and best is not None:
            break
        torch.manual_seed(cfg.seed + ci)
        gen = torch.Generator(device="cpu").manual_seed(cfg.seed + ci)
        model = _build(X_tr.shape[1], hidden, n_out).to(dev)
        opt = adam(model.parameters(), lr, cfg.weight_decay, dev)
        cand_best, cand_state, cand_thr, stale, epochs_run = -math.inf, None, 0.5, 0, 0
        history = []
        n = len(Xt)
        linears = _linears(model)

        def batch_loss(idx, linears=linears):
            # index_select, not Xt[idx]: the same rows, 4x faster than advanced indexing
            out = _forward(linears, Xt.index_select(0, idx))
            return loss_fn(out[:, 0] if n_out == 1 else out, yt.index_select(0, idx))
        for epoch in range(cfg.epochs):
            _train_epoch(model, opt, n, gen, cfg.batch_size, batch_loss)
            decay_lr(opt, cfg.lr_decay)
            score, thr = _validate(model, Xv, y_va, cfg, y_mean, y_std)
            epochs_run = epoch + 1
            history.append(score)
            if score > cand_best + 1e-6:
                cand_best, cand_thr, stale = score, thr, 0
                cand_state = _weights_of(model)
            else:
                stale += 1
            overall = max(cand_best, best.score if best else -math.inf)
            if progress:
                progress({"candidate": ci + 1, "candidates": len(cands), "hidden": hidden, "learning_rate": lr,
                          "epoch": epoch + 1, "best_validation": overall, "elapsed_s": time.monotonic() - t_start})
            if stale >= cfg.patience or time.monotonic() > deadline:
                break
        if cand_state is not None:
            trained.append((cand_best, cand_state, hidden))
        if cand_state is not None and (best is None or cand_best > best.score + cfg.size_margin):
            best = TrainedNet(hidden, cand_state, cand_thr, y_mean, y_std, cand_best, epochs_run, lr, history)
    if best is not None and len(trained) > 1 and cfg.ensemble:
        # the candidates averaged: less variance than any one of them on a rare class
        members = [w for _, w, _ in trained]
        ens = TrainedNet(best.hidden, members[0], 0.5, y_mean, y_std, 0.0, best.epochs, best.learning_rate,
                         best.history, members=members)
        out_v = forward_numpy(ens, X_va)
        if cfg.problem == "regression":
            out_v = out_v * y_std + y_mean
        score, thr = _score(cfg, y_va, out_v)
        if score >= best.score:
            ens.score, ens.threshold = score, thr
            ens.hidden = [h for _, _, h in trained]
            return ens
    return best


def distill(teacher: TrainedNet, X_tr: np.ndarray, y_tr: np.ndarray, X_va: np.ndarray, y_va: np.ndarray,
            cfg: TrainConfig, hidden: list, deadline: float, progress=None) -> TrainedNet | None:
    """A small network trained to reproduce the teacher's logits (an ensemble, or a wide
    network): most of its accuracy at a fraction of the scoring cost. None when the
    student validates worse than the teacher by more than cfg.distill_margin."""
    import torch
    dev = device()
    target = forward_numpy(teacher, X_tr)
    n_out = target.shape[1]
    Xt = torch.from_numpy(X_tr).to(dev)
    Xv = torch.from_numpy(X_va).to(dev)
    Tt = torch.from_numpy(target.astype(np.float32)).to(dev)
    w = torch.ones(len(X_tr), dtype=torch.float32)
    if cfg.problem == "binary":
        pos = max(float(y_tr.sum()), 1.0)
        weight = cfg.pos_weight if cfg.pos_weight is not None else math.sqrt((len(y_tr) - pos) / pos)
        w = torch.from_numpy(np.where(y_tr == 1, weight, 1.0).astype(np.float32))
    w = w.to(dev)
    torch.manual_seed(cfg.seed + 101)
    gen = torch.Generator(device="cpu").manual_seed(cfg.seed + 101)
    model = _build(X_tr.shape[1], hidden, n_out).to(dev)
    opt = adam(model.parameters(), cfg.distill_lr, cfg.weight_decay, dev)
    best, best_thr, best_state, stale, epochs_run, history = -math.inf, 0.5, None, 0, 0, []
    n = len(Xt)
    linears = _linears(model)
    for epoch in range(cfg.epochs):
        _train_epoch(model, opt, n, gen, cfg.batch_size,
                     lambda idx: (w.index_select(0, idx)[:, None]
                                  * (_forward(linears, Xt.index_select(0, idx)) - Tt.index_select(0, idx)) ** 2).mean())
        score, thr = _validate(model, Xv, y_va, cfg, teacher.y_mean, teacher.y_std)
        epochs_run = epoch + 1
        history.append(score)
        if score > best + 1e-6:
            best, best_thr, stale = score, thr, 0
            best_state = _weights_of(model)
        else:
            stale += 1
        if progress:
            progress({"candidate": "distilled", "hidden": hidden, "epoch": epoch + 1,
                      "best_validation": max(best, teacher.score)})
        if stale >= cfg.distill_patience or time.monotonic() > deadline:
            break
    if best_state is None or best < teacher.score - cfg.distill_margin:
        return None
    return TrainedNet(list(hidden), best_state, best_thr, teacher.y_mean, teacher.y_std, best, epochs_run, cfg.distill_lr,
                      history)


def macs_of(hidden: list, n_in: int, n_out: int = 1) -> int:
    """Multiply-adds a row costs to score through one network of these hidden widths."""
    widths = [n_in, *hidden, n_out]
    return sum(a * b for a, b in zip(widths, widths[1:]))


def macs(net: TrainedNet, n_in: int) -> int:
    return sum(macs_of([W.shape[0] for W, _ in weights[:-1]], n_in, weights[-1][0].shape[0])
               for weights in net.all_members())


def forward_numpy(net: TrainedNet, X: np.ndarray) -> np.ndarray:
    """The network's raw output (logits / standardized value) in NumPy, float32; an
    ensemble's is the mean of its members'."""
    outs = []
    for weights in net.all_members():
        h = X.astype(np.float32)
        for i, (W, b) in enumerate(weights):
            h = h @ W.T + b
            if i < len(weights) - 1:
                h = np.maximum(h, 0)
        outs.append(h)
    return outs[0] if len(outs) == 1 else np.mean(outs, axis=0, dtype=np.float32)
