"""Loads a llama-architecture GGUF (e.g. SmolLM2-135M-Instruct Q4_1) as a Hugging Face LlamaForCausalLM.

The GGUF is the one artefact Understudy serves with llama.cpp, so training starts from exactly those weights
(dequantised; the quantisation error is part of the base the adapter learns on) rather than from a separate
Hugging Face download. Tokenisation is not done here: the TypeScript side renders and tokenises every example
with node-llama-cpp, the serving tokenizer, so train and serve cannot disagree on tokens.

llama.cpp's converter (convert_hf_to_gguf.py, LlamaModel.permute) reorders the rows of Q and K so that rotary
pairs are adjacent; `unpermute_rows` undoes it and `permute_rows` re-applies it (for LoRA B matrices).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from gguf import GGUFReader
from gguf.quants import dequantize
from transformers import LlamaConfig, LlamaForCausalLM

# GGUF tensor name (after `blk.N.`) → Hugging Face module path inside a LlamaDecoderLayer.
LAYER_TENSORS = {
    "attn_norm.weight": "input_layernorm.weight",
    "ffn_norm.weight": "post_attention_layernorm.weight",
    "attn_q.weight": "self_attn.q_proj.weight",
    "attn_k.weight": "self_attn.k_proj.weight",
    "attn_v.weight": "self_attn.v_proj.weight",
    "attn_output.weight": "self_attn.o_proj.weight",
    "ffn_gate.weight": "mlp.gate_proj.weight",
    "ffn_up.weight": "mlp.up_proj.weight",
    "ffn_down.weight": "mlp.down_proj.weight",
}

# Hugging Face projection name → llama.cpp tensor name, for LoRA export.
PROJECTION_TENSORS = {
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "o_proj": "attn_output",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "down_proj": "ffn_down",
}


@dataclass
class GgufModelInfo:
    config: LlamaConfig
    eos_token_id: int
    bos_token_id: int | None


def _field(reader: GGUFReader, key: str, default=None):
    field = reader.get_field(key)
    if field is None:
        return default
    value = field.contents()
    return value


def permute_rows(weights: np.ndarray | torch.Tensor, n_head: int):
    """The Q/K row order llama.cpp's converter writes: half-split rotary pairs → interleaved."""
    shape = weights.shape
    return weights.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def unpermute_rows(weights: np.ndarray, n_head: int) -> np.ndarray:
    shape = weights.shape
    return weights.reshape(n_head, shape[0] // n_head // 2, 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def read_config(reader: GGUFReader) -> GgufModelInfo:
    architecture = _field(reader, "general.architecture")
    if architecture != "llama":
        raise ValueError(f"only llama-architecture GGUF models can be trained, this one is {architecture!r}")
    prefix = "llama."
    n_head = int(_field(reader, prefix + "attention.head_count"))
    hidden = int(_field(reader, prefix + "embedding_length"))
    tokens = reader.get_field("tokenizer.ggml.tokens")
    vocab_size = int(_field(reader, prefix + "vocab_size", len(tokens.data) if tokens is not None else 0))
    has_output = any(tensor.name == "output.weight" for tensor in reader.tensors)
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        intermediate_size=int(_field(reader, prefix + "feed_forward_length")),
        num_hidden_layers=int(_field(reader, prefix + "block_count")),
        num_attention_heads=n_head,
        num_key_value_heads=int(_field(reader, prefix + "attention.head_count_kv", n_head)),
        max_position_embeddings=int(_field(reader, prefix + "context_length", 2048)),
        rms_norm_eps=float(_field(reader, prefix + "attention.layer_norm_rms_epsilon", 1e-5)),
        rope_theta=float(_field(reader, prefix + "rope.freq_base", 10000.0)),
        tie_word_embeddings=not has_output,
        hidden_act="silu",
        attention_bias=False,
        mlp_bias=False,
    )
    return GgufModelInfo(
        config=config,
        eos_token_id=int(_field(reader, "tokenizer.ggml.eos_token_id", 2)),
        bos_token_id=_field(reader, "tokenizer.ggml.bos_token_id"),
    )


def load_llama_from_gguf(path: str, dtype: torch.dtype = torch.float32) -> tuple[LlamaForCausalLM, GgufModelInfo]:
    reader = GGUFReader(path)
    info = read_config(reader)
    config = info.config
    state: dict[str, torch.Tensor] = {}
    for tensor in reader.tensors:
        # dequantize returns numpy order (ggml dimensions reversed), i.e. Hugging Face's [out, in].
        values = np.array(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
        values = values.reshape([int(d) for d in reversed(tensor.shape.tolist())])
        name = tensor.name
        if name == "token_embd.weight":
            state["model.embed_tokens.weight"] = torch.from_numpy(np.ascontiguousarray(values))
        elif name == "output_norm.weight":
            state["model.norm.weight"] = torch.from_numpy(np.ascontiguousarray(values))
        elif name == "output.weight":
            state["lm_head.weight"] = torch.from_numpy(np.ascontiguousarray(values))
        elif name.startswith("blk."):
            _, layer, rest = name.split(".", 2)
            if rest not in LAYER_TENSORS:
                continue  # e.g. rope_freqs: derived from the config by transformers
            if rest == "attn_q.weight":
                values = unpermute_rows(values, config.num_attention_heads)
            elif rest == "attn_k.weight":
                values = unpermute_rows(values, config.num_key_value_heads)
            state[f"model.layers.{layer}.{LAYER_TENSORS[rest]}"] = torch.from_numpy(np.ascontiguousarray(values))
    model = LlamaForCausalLM(config)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if config.tie_word_embeddings:
        model.tie_weights()
        missing = [key for key in missing if key != "lm_head.weight"]
    if missing or unexpected:
        raise ValueError(f"GGUF {path} does not fill the model: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.to(dtype).eval(), info

