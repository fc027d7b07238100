"""Export a local sentence-transformers model to ONNX once, and int8-quantise it.

Nothing is downloaded: the source is a local model directory (by default the packaged
all-MiniLM-L6-v2). Exports land in ``<export_dir>/<model name>-<weights sha256[:12]>/`` so a
changed model gets a fresh export, and are written to a temporary name first so a crashed or
concurrent export never leaves a half-written model where a reader looks.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

from credmatch.errors import ConfigError

FLOAT_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
OPSET = 17


def export_dir_for(model_dir: Path, export_root: Path) -> Path:
    """Where the exports of ``model_dir`` live under ``export_root``."""
    return export_root / f"{model_dir.name}-{weights_digest(model_dir)[:12]}"


def weights_digest(model_dir: Path) -> str:
    """sha256 over the model's weight files, in name order."""
    files = sorted(model_dir.glob("*.safetensors")) or sorted(model_dir.glob("*.bin"))
    if not files:
        raise ConfigError(f"no model weights (*.safetensors or *.bin) in {model_dir}")
    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def ensure_export(model_dir: Path, export_root: Path, int8: bool) -> Path:
    """The ONNX file for ``model_dir`` (float32, or int8 when ``int8``), exported if missing."""
    target = export_dir_for(model_dir, export_root)
    float_path = target / FLOAT_FILE
    if not float_path.is_file():
        export_float(model_dir, float_path)
    if not int8:
        return float_path
    int8_path = target / INT8_FILE
    if not int8_path.is_file():
        quantize_int8(float_path, int8_path)
    return int8_path


def export_float(model_dir: Path, target: Path) -> None:
    """Trace the model's transformer (ids, mask, token types -> token vectors) to ONNX."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    ).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> object:
            out = self.inner(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.int64)
    names = ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
    dynamic = {name: {0: "batch", 1: "tokens"} for name in names}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with warnings.catch_warnings(), torch.no_grad():
        # The tracer warns about Python-level branches on shapes; the branches it fixes are
        # the no-cache, full-mask ones every encode call takes.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(),
            (sample, sample, torch.zeros_like(sample)),
            str(partial),
            input_names=list(names[:3]),
            output_names=[names[3]],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )
    os.replace(partial, target)
    _write_manifest(target.parent, model_dir)


def quantize_int8(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the weights, per output channel (mean cosine to float ~0.99)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8, per_channel=True)
    os.replace(partial, target)


def _write_manifest(directory: Path, model_dir: Path) -> None:
    manifest = {
        "source": str(model_dir),
        "weights_sha256": weights_digest(model_dir),
        "opset": OPSET,
        "files": {FLOAT_FILE: "float32", INT8_FILE: "dynamic int8, per channel"},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
