"""Writes a trained MicroLlama as a whole llama-architecture GGUF model that llama.cpp (node-llama-cpp) serves.

Tensors are F32 (the model is a few MB) and keep llama.cpp's names; no q/k permutation is needed because
micro_model.py already uses llama.cpp's RoPE pair layout. The tokenizer is `llama` (SentencePiece) with byte
tokens, no merges, no space prefix and BOS added, so llama.cpp tokenises any text exactly as
micro_model.encode_text does. No chat template is written: the engine then renders the plain prompt (message
texts joined by blank lines after BOS), which is the prompt format the model was trained on.
"""
from __future__ import annotations

import numpy as np
from gguf import GGUFWriter, TokenType

from micro_model import BOS_ID, EOS_ID, PAD_ID, UNK_ID, MicroLlama, vocabulary


def export_micro_to_gguf(model: MicroLlama, path: str, name: str) -> None:
    config = model.config
    writer = GGUFWriter(path, "llama")
    writer.add_name(name)
    writer.add_context_length(config.context_length)
    writer.add_embedding_length(config.dim)
    writer.add_block_count(config.layers)
    writer.add_feed_forward_length(config.ffn_dim)
    writer.add_head_count(config.heads)
    writer.add_head_count_kv(config.kv_heads)
    writer.add_layer_norm_rms_eps(config.norm_eps)
    writer.add_rope_dimension_count(config.head_dim)
    writer.add_rope_freq_base(config.rope_theta)
    writer.add_file_type(0)  # ALL_F32

    entries = vocabulary()
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list([text for text, _ in entries])
    writer.add_token_scores([0.0] * len(entries))
    writer.add_token_types([TokenType(kind) for _, kind in entries])
    writer.add_bos_token_id(BOS_ID)
    writer.add_eos_token_id(EOS_ID)
    writer.add_unk_token_id(UNK_ID)
    writer.add_pad_token_id(PAD_ID)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)

    def tensor(name: str, value) -> None:
        writer.add_tensor(name, value.detach().cpu().float().numpy().astype(np.float32))

    tensor("token_embd.weight", model.token_embd.weight)
    for index, block in enumerate(model.blocks):
        for part in ("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"):
            tensor(f"blk.{index}.{part}.weight", getattr(block, part).weight)
    tensor("output_norm.weight", model.output_norm.weight)
    tensor("output.weight", model.output.weight)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
