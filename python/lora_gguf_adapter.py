"""Writes a trained PEFT LoRA as a GGUF LoRA adapter that llama.cpp applies over the base GGUF.

Layout (as llama.cpp's convert_lora_to_gguf.py writes it): `general.type = adapter`, `adapter.type = lora`,
`adapter.lora.alpha` (float32); tensors `blk.N.<llama.cpp name>.weight.lora_a` ([rank, in] in numpy order)
and `.lora_b` ([out, rank]), F32. llama.cpp scales by alpha / rank like PEFT, so the numbers carry over
unchanged, except that Q and K B-matrices get the row permutation the base conversion applied to Q and K.
"""
from __future__ import annotations

import re

import numpy as np
import torch
from gguf import GGUFType, GGUFWriter, Keys

from lora_gguf_model import PROJECTION_TENSORS, permute_rows

_PEFT_NAME = re.compile(r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])\.(?:\w+\.)?weight$")


def export_lora_to_gguf(adapter_state: dict[str, torch.Tensor], path: str, alpha: float, n_head: int, n_head_kv: int) -> int:
    """`adapter_state` as from peft's get_peft_model_state_dict; returns the number of tensors written."""
    tensors: dict[str, np.ndarray] = {}
    for name, value in adapter_state.items():
        match = _PEFT_NAME.search(name)
        if match is None:
            raise ValueError(f"unexpected adapter tensor {name}: only LoRA A/B of Llama projections can be exported")
        layer, projection, which = match.groups()
        if projection not in PROJECTION_TENSORS:
            raise ValueError(f"LoRA on {projection} cannot be exported to llama.cpp")
        array = value.detach().to(torch.float32).cpu().numpy()
        if which == "B" and projection == "q_proj":
            array = permute_rows(array, n_head)
        elif which == "B" and projection == "k_proj":
            array = permute_rows(array, n_head_kv)
        tensors[f"blk.{layer}.{PROJECTION_TENSORS[projection]}.weight.lora_{which.lower()}"] = np.ascontiguousarray(array)

    writer = GGUFWriter(path, "llama")
    writer.add_type(GGUFType.ADAPTER)
    writer.add_string(Keys.Adapter.TYPE, "lora")
    writer.add_float32(Keys.Adapter.LORA_ALPHA, float(alpha))
    for name in sorted(tensors, key=_tensor_order):
        writer.add_tensor(name, tensors[name])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return len(tensors)


def _tensor_order(name: str) -> tuple[int, str]:
    return int(name.split(".")[1]), name
