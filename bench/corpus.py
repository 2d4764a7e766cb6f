"""A deterministic, realistic ML repository tree for `bench/run.py`.

Several thousand files shaped like a monorepo of training projects: PyTorch models, data sets,
training loops, utilities and tests; notebooks; YAML/JSON/TOML configs; model cards and docs;
requirements. About 1.5 % of the Python files, and a few notebooks, configs and cards, carry
real Article 17 signals (emotion recognition, face attributes, emotion labels, FER-2013), so the
tree has findings to report. The same seed always gives byte-identical files.
"""
from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

__all__ = ["generate", "generate_worst_case"]

_NOUNS = ["encoder", "decoder", "block", "attention", "residual", "unet", "backbone", "scheduler", "tokenizer", "embedding",
          "projection", "pooler", "head", "layer", "adapter", "mixer", "router", "expert", "buffer", "sampler", "loader",
          "trainer", "optimizer", "metric", "callback", "logger", "checkpoint", "dataset", "transform", "augment", "vocab",
          "feature", "kernel", "conv", "norm", "dropout", "gate", "cache", "stream", "graph", "node", "edge", "patch"]
_ADJ = ["cross", "self", "causal", "sparse", "dense", "linear", "gated", "shared", "local", "global", "multi", "fast",
        "deep", "light", "tiny", "base", "large", "frozen", "masked", "latent", "spatial", "temporal", "hybrid"]
_IMPORTS = ["import os", "import math", "import json", "import logging", "import random", "import argparse", "import time",
            "from pathlib import Path", "from typing import Optional, List, Dict, Tuple", "from dataclasses import dataclass, field",
            "import numpy as np", "import torch", "import torch.nn as nn", "import torch.nn.functional as F",
            "from torch.utils.data import DataLoader, Dataset", "import pandas as pd", "from tqdm import tqdm",
            "from functools import partial", "import itertools", "from collections import defaultdict"]


def _name(rng: random.Random, style: str = "snake") -> str:
    parts = [rng.choice(_ADJ), rng.choice(_NOUNS)]
    if rng.random() < 0.4:
        parts.append(rng.choice(_NOUNS))
    if style == "camel":
        return "".join(p.capitalize() for p in parts)
    return "_".join(parts)


def _module_class(rng: random.Random) -> str:
    name = _name(rng, "camel")
    dims = rng.choice([64, 128, 256, 384, 512, 768, 1024])
    layers = rng.randint(2, 6)
    body = [f"class {name}(nn.Module):",
            f'    """{rng.choice(_ADJ).capitalize()} {rng.choice(_NOUNS)} with {layers} stages and residual connections."""', "",
            f"    def __init__(self, dim: int = {dims}, hidden: int = {dims * 4}, dropout: float = {rng.choice([0.0, 0.1, 0.2])}) -> None:",
            "        super().__init__()"]
    for i in range(layers):
        kind = rng.choice(["nn.Linear(dim, hidden)", "nn.Linear(hidden, dim)", "nn.LayerNorm(dim)", "nn.Conv1d(dim, dim, 3, padding=1)", "nn.Dropout(dropout)", "nn.GELU()"])
        body.append(f"        self.{rng.choice(_NOUNS)}_{i} = {kind}")
    body += ["", "    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:",
             "        residual = x"]
    for i in range(layers):
        body.append(f"        x = self.{_name(rng)}_{i}(x) if hasattr(self, '{_name(rng)}_{i}') else x")
    body += ["        if mask is not None:", "            x = x.masked_fill(~mask.unsqueeze(-1), 0.0)",
             "        return x + residual", ""]
    return "\n".join(body)


def _dataset_class(rng: random.Random) -> str:
    name = _name(rng, "camel") + "Dataset"
    return textwrap.dedent(f'''
        class {name}(Dataset):
            """Reads {rng.choice(["shards", "records", "samples", "examples"])} from a folder of {rng.choice(["parquet", "jsonl", "npz", "arrow"])} files."""

            def __init__(self, root: str, split: str = "train", max_items: int = {rng.randint(1000, 100000)}) -> None:
                self.root = Path(root)
                self.split = split
                self.items = sorted(self.root.glob(f"{{split}}/*"))[:max_items]

            def __len__(self) -> int:
                return len(self.items)

            def __getitem__(self, index: int) -> Dict[str, torch.Tensor]:
                path = self.items[index]
                array = np.load(path)
                sample = {{"input": torch.from_numpy(array["x"]).float(), "target": torch.tensor(array["y"])}}
                return sample
        ''')


def _train_loop(rng: random.Random) -> str:
    fn = "train_" + _name(rng)
    return textwrap.dedent(f'''
        def {fn}(model: nn.Module, loader: DataLoader, epochs: int = {rng.randint(1, 50)}, lr: float = {rng.choice(["1e-3", "3e-4", "1e-4", "5e-5"])}) -> List[float]:
            """Train with AdamW and a cosine schedule; returns the loss per epoch."""
            optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay={rng.choice(["0.01", "0.05", "0.1"])})
            scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
            history = []
            for epoch in range(epochs):
                model.train()
                total = 0.0
                for step, batch in enumerate(tqdm(loader, desc=f"epoch {{epoch}}")):
                    optimizer.zero_grad(set_to_none=True)
                    output = model(batch["input"])
                    loss = F.mse_loss(output, batch["target"].float())
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), {rng.choice(["1.0", "0.5", "5.0"])})
                    optimizer.step()
                    total += loss.item()
                scheduler.step()
                history.append(total / max(1, len(loader)))
                logging.getLogger(__name__).info("epoch %d loss %.4f", epoch, history[-1])
            return history
        ''')


def _utility(rng: random.Random) -> str:
    fn = _name(rng)
    return textwrap.dedent(f'''
        def {fn}(values: List[float], window: int = {rng.randint(2, 32)}) -> List[float]:
            """Moving average over `window` items, padded at the start."""
            out = []
            acc = 0.0
            for i, v in enumerate(values):
                acc += v
                if i >= window:
                    acc -= values[i - window]
                out.append(acc / min(i + 1, window))
            return out


        def save_{fn}(state: Dict[str, torch.Tensor], folder: str, step: int) -> Path:
            path = Path(folder) / f"{fn}-{{step:06d}}.pt"
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(state, path)
            return path
        ''')


def _config_class(rng: random.Random) -> str:
    name = _name(rng, "camel") + "Config"
    fields = "\n".join(f"    {_name(rng)}: {t} = {v}" for t, v in rng.sample([("int", "32"), ("float", "0.1"), ("str", '"adamw"'), ("bool", "False"), ("int", "12"), ("float", "1e-5"), ("str", '"cosine"'), ("int", "4096")], 5))
    return f"@dataclass\nclass {name}:\n    \"\"\"Hyper-parameters.\"\"\"\n\n{fields}\n"


def _main(rng: random.Random) -> str:
    return textwrap.dedent(f'''
        def main() -> None:
            parser = argparse.ArgumentParser(description="{rng.choice(_ADJ)} {rng.choice(_NOUNS)} training")
            parser.add_argument("--data", default="data/{rng.choice(_NOUNS)}")
            parser.add_argument("--epochs", type=int, default={rng.randint(1, 100)})
            parser.add_argument("--seed", type=int, default={rng.randint(0, 9999)})
            args = parser.parse_args()
            random.seed(args.seed)
            np.random.seed(args.seed)
            torch.manual_seed(args.seed)
            print(json.dumps(vars(args)))


        if __name__ == "__main__":
            main()
        ''')


_BLOCKS = [_module_class, _module_class, _dataset_class, _train_loop, _utility, _utility, _config_class]


def _python_file(rng: random.Random) -> str:
    imports = sorted(set(rng.sample(_IMPORTS, rng.randint(4, 12))) | {"import torch", "import torch.nn as nn", "import numpy as np"})
    parts = [f'"""{rng.choice(_ADJ).capitalize()} {rng.choice(_NOUNS)} utilities for the {rng.choice(_NOUNS)} pipeline."""',
             "from __future__ import annotations", "", *imports, "",
             "from typing import Dict, List, Optional", "from torch.utils.data import DataLoader, Dataset",
             "from tqdm import tqdm", "", "logger = logging.getLogger(__name__)" if "import logging" in imports else "import logging", ""]
    for _ in range(rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8])):
        parts.append(rng.choice(_BLOCKS)(rng))
    if rng.random() < 0.2:
        parts.append(_main(rng))
    return "\n".join(parts).rstrip() + "\n"


def _init_file(rng: random.Random, names: list[str]) -> str:
    return "".join(f"from .{n} import *  # noqa: F401,F403\n" for n in names[: rng.randint(0, 4)])


# A few real signals (our own snippets, in the style of the rules' documented examples).
_SIGNALS = [
    'from deepface import DeepFace\n\n\ndef mood(frame):\n    return DeepFace.analyze(frame, actions=["emotion"], enforce_detection=False)\n',
    'import cv2\nfrom keras.models import load_model\n\nEMOTIONS = ["angry", "disgust", "scared", "happy", "sad", "surprised", "neutral"]\nmodel = load_model("weights/mini_xception.h5")\n',
    'import pandas as pd\n\n\ndef load_split(root):\n    return pd.read_csv(f"{root}/fer2013/fer2013.csv")\n',
    'from transformers import pipeline\n\nclassifier = pipeline("image-classification", model="trpakov/vit-face-expression")\n',
    'from deepface import DeepFace as DF\n\n\ndef profile(path):\n    return DF.analyze(img_path=path, actions=["age", "gender", "race"])\n',
]


def _notebook(rng: random.Random, signal: str | None) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [f"# {rng.choice(_ADJ).capitalize()} {rng.choice(_NOUNS)} experiments\n"]}]
    for _ in range(rng.randint(3, 10)):
        code = rng.choice(_BLOCKS)(rng).strip("\n") + "\n"
        cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": code.splitlines(keepends=True)})
    if signal:
        cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": signal.splitlines(keepends=True)})
    doc = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1) + "\n"


def _yaml_config(rng: random.Random, signal: bool) -> str:
    lines = [f"experiment: {_name(rng)}", "model:", f"  arch: {rng.choice(['resnet50', 'vit_b16', 'convnext_tiny', 'unet', 'gpt2'])}",
             f"  hidden_size: {rng.choice([256, 512, 768])}", f"  num_layers: {rng.randint(2, 24)}", "optimizer:",
             f"  name: {rng.choice(['adamw', 'sgd', 'lion'])}", f"  lr: {rng.choice(['3.0e-4', '1.0e-3', '5.0e-5'])}",
             "data:", f"  root: data/{_name(rng)}", f"  batch_size: {rng.choice([16, 32, 64, 128])}", f"  num_workers: {rng.randint(1, 16)}"]
    if signal:
        lines += ["  labels: [angry, disgust, fear, happy, sad, surprise, neutral]", "  csv: data/faces/train.csv"]
    return "\n".join(lines) + "\n"


def _json_config(rng: random.Random) -> str:
    return json.dumps({"architectures": [_name(rng, "camel")], "hidden_size": rng.choice([256, 512, 768]),
                       "num_attention_heads": rng.choice([4, 8, 12]), "num_hidden_layers": rng.randint(2, 24),
                       "vocab_size": rng.choice([32000, 50257]), "torch_dtype": "float32"}, indent=2) + "\n"


def _model_card(rng: random.Random, signal: bool) -> str:
    what = "facial expression recognition: it classifies a face crop into seven emotions" if signal else f"{rng.choice(_ADJ)} {rng.choice(_NOUNS)} modelling for {rng.choice(['translation', 'segmentation', 'forecasting', 'retrieval', 'summarisation'])}"
    return textwrap.dedent(f"""\
        # {_name(rng, 'camel')}

        ## Model description
        This model performs {what}. It was trained for {rng.randint(1, 90)} epochs.

        ## Intended uses
        Research on {rng.choice(_NOUNS)} {rng.choice(_NOUNS)} quality. Not evaluated outside the benchmark.

        ## Training data
        {rng.randint(10, 900)}k samples from the internal {rng.choice(_NOUNS)} corpus.

        ## Evaluation
        | split | metric | value |
        |---|---|---|
        | test | accuracy | {rng.uniform(0.6, 0.95):.3f} |
        """)


_REQUIREMENTS = ["torch>=2.1", "numpy", "pandas", "tqdm", "pyyaml", "transformers>=4.40", "datasets", "accelerate", "einops", "scipy"]


def generate(root: Path, files: int = 3000, seed: int = 7) -> dict[str, int]:
    """Write about `files` files under `root` (which must be empty or absent); returns counts per kind."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    counts = {"python": 0, "notebook": 0, "yaml": 0, "json": 0, "markdown": 0, "requirements": 0, "toml": 0, "signals": 0}
    projects = max(1, files // 120)
    per_project = files // projects
    written = 0
    for p in range(projects):
        name = f"{_name(rng)}_{p}"
        proj = root / "projects" / name
        pkg = proj / "src" / name
        budget = per_project if p < projects - 1 else files - written
        _write(proj / "pyproject.toml", f'[project]\nname = "{name}"\nversion = "0.{p}.0"\ndependencies = {json.dumps(rng.sample(_REQUIREMENTS, 5))}\n')
        _write(proj / "requirements.txt", "\n".join(rng.sample(_REQUIREMENTS, 6)) + "\n")
        _write(proj / "README.md", _model_card(rng, signal=p % 17 == 3))
        counts["toml"] += 1
        counts["requirements"] += 1
        counts["markdown"] += 1
        made = 3
        subpackages = [f"{rng.choice(_NOUNS)}s" for _ in range(4)]
        modules: dict[str, list[str]] = {s: [] for s in subpackages}
        while made < budget:
            roll = rng.random()
            if roll < 0.84:
                sub = rng.choice(subpackages)
                mod = _name(rng)
                signal = rng.random() < 0.015
                text = _python_file(rng) + ("\n\n" + rng.choice(_SIGNALS) if signal else "")
                folder = pkg / sub if rng.random() < 0.85 else proj / "tests"
                if folder.name == "tests":
                    mod = "test_" + mod
                _write(folder / f"{mod}.py", text)
                modules[sub].append(mod)
                counts["python"] += 1
                counts["signals"] += signal
            elif roll < 0.89:
                signal = rng.random() < 0.03
                _write(proj / "notebooks" / f"{_name(rng)}.ipynb", _notebook(rng, rng.choice(_SIGNALS) if signal else None))
                counts["notebook"] += 1
                counts["signals"] += signal
            elif roll < 0.95:
                signal = rng.random() < 0.02
                _write(proj / "configs" / f"{_name(rng)}.yaml", _yaml_config(rng, signal))
                counts["yaml"] += 1
                counts["signals"] += signal
            elif roll < 0.98:
                _write(proj / "configs" / f"{_name(rng)}.json", _json_config(rng))
                counts["json"] += 1
            else:
                _write(proj / "docs" / f"{_name(rng)}.md", _model_card(rng, signal=False))
                counts["markdown"] += 1
            made += 1
        for sub, names in modules.items():
            if names:
                _write(pkg / sub / "__init__.py", _init_file(rng, names))
        written += made
    return counts


# What makes every worst-case file one that rules must parse: a face-verification helper calls a
# catalogued library (the library-call rules read its arguments to see that it infers no
# emotion or attribute), and reports nothing. A comment naming an emotion classifier did this
# until the prefilter learnt to ask for more than a word.
_FACE_CHECK = (
    "\n\nfrom deepface import DeepFace\n\n\n"
    "def same_person(first, second):\n"
    '    """Face verification for the re-identification baseline."""\n'
    '    return DeepFace.verify(img1_path=first, img2_path=second)["verified"]\n'
)


def generate_worst_case(root: Path, files: int = 400, seed: int = 11) -> int:
    """Python files that all pass the prefilter (each verifies faces with a catalogued library)."""
    rng = random.Random(seed)
    for i in range(files):
        _write(root / f"pkg{i % 20}" / f"{_name(rng)}_{i}.py", _python_file(rng) + _FACE_CHECK)
    return files


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
