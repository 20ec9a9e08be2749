"""Merges a trained PEFT LoRA into its llama-architecture base GGUF and writes one standalone GGUF.

    python merge_lora_to_gguf.py --base base.gguf --adapter run/adapter --output merged.gguf

train_lora.py calls `merge_lora_into_gguf` with the adapter it has in memory when the job asks for it
(`exports.merged_gguf` in job.json, hyper-parameter `exportMerged`); the command line merges an adapter
trained earlier (a PEFT `adapter/` directory) without training again.

Each adapted matrix becomes W + (alpha / r) · B · A, the same sum as peft's `merge_and_unload`, computed in
float32 from the base exactly as training saw it (dequantised by gguf-py). It is written in the base tensor's
own float type (F32 stays F32, F16 stays F16: the merged file is never less exact than base + adapter) and in
F16 where the base tensor was quantised or BF16 (re-quantising would round most of the small LoRA update
away, and numpy has no bfloat16). Q and K rows get llama.cpp's rotary permutation, as in lora_gguf_model.py.
Every other tensor is copied byte for byte with its own type, and every metadata key (architecture,
hyper-parameters, tokenizer, chat template) is copied from the base, except `general.file_type`, which is
recomputed the way llama.cpp's loader guesses it: the type most tensors have (a Q4_1 base with all seven
projections adapted is then MOSTLY_F16). The file is written beside the target and renamed into place.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
from gguf import GGMLQuantizationType, GGUFReader, GGUFValueType, GGUFWriter, Keys, LlamaFileType
from gguf.quants import dequantize

from lora_gguf_model import PROJECTION_TENSORS, permute_rows, read_config

_PEFT_NAME = re.compile(r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])\.(?:\w+\.)?weight$")
# Types a merged matrix keeps; anything else (quantised, BF16) is written as F16.
_FLOAT_TYPES = {GGMLQuantizationType.F32: np.float32, GGMLQuantizationType.F16: np.float16}


@dataclass
class MergeSummary:
    merged_tensors: int
    copied_tensors: int
    file_type: int


@dataclass
class _LoraPair:
    a: np.ndarray  # [rank, in]
    b: np.ndarray  # [out, rank], rows already in llama.cpp's order
    scale: float


def merge_lora_into_gguf(base_path: str, adapter_state: dict[str, torch.Tensor], alpha: float, output_path: str) -> MergeSummary:
    """`adapter_state` as from peft's get_peft_model_state_dict (or the adapter's safetensors file)."""
    reader = GGUFReader(base_path)
    info = read_config(reader)
    pairs = _lora_pairs(adapter_state, alpha, info.config.num_attention_heads, info.config.num_key_value_heads)
    names = {tensor.name for tensor in reader.tensors}
    absent = sorted(set(pairs) - names)
    if absent:
        raise ValueError(f"the adapter targets tensors {absent[:5]} that {base_path} does not have")

    output_types = {tensor.name: _merged_type(tensor.tensor_type) if tensor.name in pairs else tensor.tensor_type for tensor in reader.tensors}
    file_type = _file_type(reader, list(output_types.values()))

    partial = output_path + ".partial"
    writer = GGUFWriter(partial, arch=str(_contents(reader, Keys.General.ARCHITECTURE)), endianess=reader.endianess)
    try:
        alignment = _contents(reader, Keys.General.ALIGNMENT)
        if alignment is not None:
            writer.data_alignment = int(alignment)
        for field in reader.fields.values():
            # GGUF.* are the reader's view of the header; the writer adds the architecture and we set file_type.
            if field.name.startswith("GGUF.") or field.name in (Keys.General.ARCHITECTURE, Keys.General.FILE_TYPE):
                continue
            value_type = field.types[0]
            sub_type = field.types[-1] if value_type == GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, field.contents(), value_type, sub_type=sub_type)
        writer.add_file_type(file_type)

        for tensor in reader.tensors:
            if tensor.name in pairs:
                shape = [int(dimension) for dimension in reversed(tensor.shape.tolist())]
                dtype = np.dtype(_FLOAT_TYPES[output_types[tensor.name]])
                writer.add_tensor_info(tensor.name, shape, dtype, int(np.prod(shape)) * dtype.itemsize)
            else:
                writer.add_tensor_info(tensor.name, tensor.data.shape, tensor.data.dtype, tensor.data.nbytes, tensor.tensor_type)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        # One merged matrix in memory at a time: a 135M-parameter base never holds all its deltas at once.
        for tensor in reader.tensors:
            pair = pairs.get(tensor.name)
            if pair is None:
                writer.write_tensor_data(tensor.data, tensor_endianess=reader.endianess)
                continue
            base = np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
            base = base.reshape([int(dimension) for dimension in reversed(tensor.shape.tolist())])
            merged = base + pair.scale * (pair.b @ pair.a)
            writer.write_tensor_data(np.ascontiguousarray(merged.astype(_FLOAT_TYPES[output_types[tensor.name]])))
        writer.close()
        os.replace(partial, output_path)
    except BaseException:
        writer.close()
        if os.path.exists(partial):
            os.remove(partial)
        raise
    return MergeSummary(merged_tensors=len(pairs), copied_tensors=len(reader.tensors) - len(pairs), file_type=int(file_type))


def _lora_pairs(adapter_state: dict[str, torch.Tensor], alpha: float, n_head: int, n_head_kv: int) -> dict[str, _LoraPair]:
    halves: dict[str, dict[str, np.ndarray]] = {}
    for name, value in adapter_state.items():
        match = _PEFT_NAME.search(name)
        if match is None:
            raise ValueError(f"unexpected adapter tensor {name}: only LoRA A/B of Llama projections can be merged")
        layer, projection, which = match.groups()
        if projection not in PROJECTION_TENSORS:
            raise ValueError(f"LoRA on {projection} has no llama.cpp tensor to merge into")
        array = value.detach().to(torch.float32).cpu().numpy()
        # permute_rows(B) · A == permute_rows(B · A): permuting B alone puts the update in the GGUF's row order.
        if which == "B" and projection == "q_proj":
            array = permute_rows(array, n_head)
        elif which == "B" and projection == "k_proj":
            array = permute_rows(array, n_head_kv)
        halves.setdefault(f"blk.{layer}.{PROJECTION_TENSORS[projection]}.weight", {})[which] = array
    pairs = {}
    for name, half in halves.items():
        if set(half) != {"A", "B"}:
            raise ValueError(f"the adapter has only lora_{''.join(half)} for {name}")
        rank = half["A"].shape[0]
        pairs[name] = _LoraPair(a=half["A"], b=half["B"], scale=float(alpha) / rank)
    return pairs


def _merged_type(base_type: GGMLQuantizationType) -> GGMLQuantizationType:
    return base_type if base_type in _FLOAT_TYPES else GGMLQuantizationType.F16


def _file_type(reader: GGUFReader, output_types: list[GGMLQuantizationType]) -> LlamaFileType:
    """The base's own file type while its dominant tensor type is unchanged; else the one the new dominant type names."""
    dominant = Counter(output_types).most_common(1)[0][0]
    base_dominant = Counter(tensor.tensor_type for tensor in reader.tensors).most_common(1)[0][0]
    base_file_type = _contents(reader, Keys.General.FILE_TYPE)
    if dominant == base_dominant and base_file_type is not None:
        return LlamaFileType(int(base_file_type))
    if dominant == GGMLQuantizationType.F32:
        return LlamaFileType.ALL_F32
    return LlamaFileType[f"MOSTLY_{dominant.name}"] if f"MOSTLY_{dominant.name}" in LlamaFileType.__members__ else LlamaFileType.GUESSED


def _contents(reader: GGUFReader, key: str):
    field = reader.get_field(key)
    return None if field is None else field.contents()


def _read_peft_adapter(adapter_dir: str) -> tuple[dict[str, torch.Tensor], float]:
    import json

    from safetensors.torch import load_file

    with open(os.path.join(adapter_dir, "adapter_config.json"), encoding="utf-8") as file:
        adapter_config = json.load(file)
    if adapter_config.get("use_rslora") or adapter_config.get("use_dora") or adapter_config.get("rank_pattern") or adapter_config.get("alpha_pattern"):
        raise ValueError("only plain LoRA adapters (no rsLoRA, DoRA or per-module rank/alpha) can be merged")
    return load_file(os.path.join(adapter_dir, "adapter_model.safetensors")), float(adapter_config["lora_alpha"])


def main() -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Merge a PEFT LoRA into its llama-architecture base GGUF")
    parser.add_argument("--base", required=True, help="the base GGUF the adapter was trained on")
    parser.add_argument("--adapter", required=True, help="the PEFT adapter directory (adapter_config.json, adapter_model.safetensors)")
    parser.add_argument("--output", required=True, help="the merged GGUF to write")
    args = parser.parse_args()
    state, alpha = _read_peft_adapter(args.adapter)
    summary = merge_lora_into_gguf(args.base, state, alpha, args.output)
    print(json.dumps({"output": args.output, **summary.__dict__}))


if __name__ == "__main__":
    main()
