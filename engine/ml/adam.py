"""Adam for the CPU trainer: the update torch.optim.Adam makes on the CPU (its single-tensor
form, L2 weight decay), without torch.optim around it. Creating the first torch optimizer
imports torch._dynamo (about 2 s of a 25 s CREATE MODEL here), and its per-step wrappers
cost about a third of the update itself. tests/ml/test_training_units.py checks that the
parameters come out bit for bit as torch's."""
from __future__ import annotations


class LeanAdam:
    def __init__(self, params, lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
        import torch
        self.params = list(params)
        self.lr = lr
        self.weight_decay = weight_decay
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.steps = 0
        self._avg = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self._avg_sq = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        import torch
        self.steps += 1
        step = float(self.steps)   # torch keeps the count in a float32 tensor and reads it back
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1 - b1 ** step)
        bias_correction2_sqrt = (1 - b2 ** step) ** 0.5
        with torch.no_grad():
            for p, avg, avg_sq in zip(self.params, self._avg, self._avg_sq):
                g = p.grad
                if g is None:
                    continue
                if self.weight_decay != 0:
                    g = g.add(p, alpha=self.weight_decay)
                avg.lerp_(g, 1 - b1)
                avg_sq.mul_(b2).addcmul_(g, g, value=1 - b2)
                denom = (avg_sq.sqrt() / bias_correction2_sqrt).add_(self.eps)
                p.addcdiv_(avg, denom, value=-step_size)


def adam(params, lr: float, weight_decay: float, device):
    """The CPU trainer's Adam; on CUDA torch's own (its multi-tensor kernels are what a GPU wants)."""
    if str(device) == "cpu":
        return LeanAdam(params, lr, weight_decay)
    import torch
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)


def decay_lr(opt, gamma: float) -> None:
    """The learning rate × gamma, as torch's ExponentialLR steps it after an epoch."""
    if isinstance(opt, LeanAdam):
        opt.lr = opt.lr * gamma
    else:
        for group in opt.param_groups:
            group["lr"] = group["lr"] * gamma
