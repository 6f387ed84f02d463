#!/usr/bin/env python3
"""Three float64 steps of each optimiser, written from the algorithm boxes of PyTorch's torch.optim documentation
(https://pytorch.org/docs/stable/optim.html, one page per optimiser), in plain Python floats (IEEE float64), with no
dependency: the expected values of TorchOptimFormsTest (engine/src/test/java/org/myelin/optim). Run it with
`python3 engine/src/test/python/torch_optim_reference.py` and paste its output into the test when a case changes.

Every case starts from w0 = [1.0, -2.0, 0.5] and is fed the fixed gradients G[0], G[1], G[2] (plus weight decay
where the optimiser has one). eps values are large on purpose so that where eps enters the formula shows in the
digits: the "eps inside the bias correction" variant of Adam (DL4J, DJL, Keras) gives different numbers.
"""
import math

W0 = [1.0, -2.0, 0.5]
G = [[0.3, -0.6, 0.05], [0.4, 0.8, -0.1], [-0.2, 0.1, 0.3]]


def sgd(lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    w, b, out = list(W0), None, []
    for t in range(3):
        g = [G[t][i] + weight_decay * w[i] for i in range(3)]
        if momentum != 0:
            b = list(g) if b is None else [momentum * b[i] + g[i] for i in range(3)]  # dampening 0
            g = [g[i] + momentum * b[i] for i in range(3)] if nesterov else b
        w = [w[i] - lr * g[i] for i in range(3)]
        out.append(w)
    return out


def adagrad(lr, eps):
    w, s, out = list(W0), [0.0] * 3, []
    for t in range(3):
        s = [s[i] + G[t][i] ** 2 for i in range(3)]
        w = [w[i] - lr * G[t][i] / (math.sqrt(s[i]) + eps) for i in range(3)]
        out.append(w)
    return out


def rmsprop(lr, alpha, eps):
    w, v, out = list(W0), [0.0] * 3, []
    for t in range(3):
        v = [alpha * v[i] + (1 - alpha) * G[t][i] ** 2 for i in range(3)]
        w = [w[i] - lr * G[t][i] / (math.sqrt(v[i]) + eps) for i in range(3)]
        out.append(w)
    return out


def adadelta(lr, rho, eps):
    w, v, u, out = list(W0), [0.0] * 3, [0.0] * 3, []
    for t in range(3):
        v = [rho * v[i] + (1 - rho) * G[t][i] ** 2 for i in range(3)]
        dx = [math.sqrt(u[i] + eps) / math.sqrt(v[i] + eps) * G[t][i] for i in range(3)]
        u = [rho * u[i] + (1 - rho) * dx[i] ** 2 for i in range(3)]
        w = [w[i] - lr * dx[i] for i in range(3)]
        out.append(w)
    return out


def adam(lr, b1, b2, eps, weight_decay=0.0, decoupled=False):
    w, m, v, out = list(W0), [0.0] * 3, [0.0] * 3, []
    for t in range(1, 4):
        if decoupled:  # AdamW
            w = [w[i] * (1 - lr * weight_decay) for i in range(3)]
            g = list(G[t - 1])
        else:
            g = [G[t - 1][i] + weight_decay * w[i] for i in range(3)]
        m = [b1 * m[i] + (1 - b1) * g[i] for i in range(3)]
        v = [b2 * v[i] + (1 - b2) * g[i] ** 2 for i in range(3)]
        m_hat = [m[i] / (1 - b1 ** t) for i in range(3)]
        v_hat = [v[i] / (1 - b2 ** t) for i in range(3)]
        w = [w[i] - lr * m_hat[i] / (math.sqrt(v_hat[i]) + eps) for i in range(3)]
        out.append(w)
    return out


CASES = {
    "sgd(lr=0.1)": sgd(0.1),
    "sgd(lr=0.1, momentum=0.9)": sgd(0.1, momentum=0.9),
    "sgd(lr=0.1, momentum=0.9, nesterov=True)": sgd(0.1, momentum=0.9, nesterov=True),
    "adagrad(lr=0.1, eps=0.5)": adagrad(0.1, 0.5),
    "rmsprop(lr=0.1, alpha=0.75, eps=0.05)": rmsprop(0.1, 0.75, 0.05),
    "adadelta(lr=1.0, rho=0.75, eps=0.01)": adadelta(1.0, 0.75, 0.01),
    "adam(lr=0.1, betas=(0.5, 0.75), eps=0.1)": adam(0.1, 0.5, 0.75, 0.1),
    "adam(lr=0.1, betas=(0.5, 0.75), eps=0.1, weight_decay=0.5)": adam(0.1, 0.5, 0.75, 0.1, 0.5),
    "adamw(lr=0.1, betas=(0.5, 0.75), eps=0.1, weight_decay=0.5)": adam(0.1, 0.5, 0.75, 0.1, 0.5, decoupled=True),
}

if __name__ == "__main__":
    for name, steps in CASES.items():
        print(name)
        for t, w in enumerate(steps, 1):
            print("  w%d = {%s}" % (t, ", ".join(repr(x) for x in w)))
