"""Converts a Hugging Face llama checkpoint (config.json, *.safetensors, tokenizer.json) into a llama GGUF that
node-llama-cpp serves and python/lora_gguf_model.py trains on, so a Hugging Face base is used like any GGUF.

Why our own script: llama.cpp's convert_hf_to_gguf.py needs torch and transformers; this needs only `gguf` and
`numpy` (the `convert` environment). It writes what llama.cpp's `llama` loader and SPM tokenizer read:

* Q and K rows in llama.cpp's rotary order (convert_hf_to_gguf.py's LlamaModel.permute; K with the KV head
  count); python/lora_gguf_model.py undoes exactly this with `unpermute_rows`;
* tied embeddings: no `output.weight`, llama.cpp falls back to `token_embd` and lora_gguf_model.py ties them
  again; a checkpoint that saved only `lm_head.weight` gets it as `token_embd`;
* the tokenizer as `tokenizer.ggml.model = "llama"` (SentencePiece style, `▁` for spaces). llama.cpp's SPM
  tokenizer repeatedly merges the adjacent pair whose joined text is the highest-scoring token (leftmost on
  ties), so a BPE merge of rank r gives its token the score -(r + 1) and every other token 0: the merges then
  happen in BPE's order. A space prefix is added when the normalizer prepends `▁` (or Metaspace does);
* the 256 `<0xXX>` byte tokens when the vocab lacks them (see `add_missing_byte_tokens`): without them
  llama.cpp aborts the process on the first character outside the vocab.

Only SentencePiece-style llama tokenizers are accepted (a byte-level GPT-2 BPE needs llama.cpp's pre-tokenizer
tables); other architectures, biases and rope scaling other than linear are refused with a one-line error.

Usage: python convert_llama_to_gguf.py --model-dir DIR --output FILE.gguf [--outtype auto|f16|f32] [--name NAME]
`auto` keeps F32 checkpoints in F32 and writes the others' matrices as F16. Prints one JSON line with the
result on stdout; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import gguf
import numpy as np

from safetensors_numpy import load_safetensors

SPACE = "\u2581"


class ConversionError(Exception):
    """A checkpoint this converter cannot turn into a faithful llama GGUF; the message is one line for the user."""


def read_json(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def permute_rows(weights: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's Q/K row order: half-split rotary pairs → interleaved (same as lora_gguf_model.permute_rows)."""
    shape = weights.shape
    return weights.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def read_llama_config(model_dir: Path) -> dict:
    config_path = model_dir / "config.json"
    if not config_path.is_file():
        raise ConversionError(f"{model_dir} has no config.json")
    config = read_json(config_path)
    architectures = config.get("architectures") or []
    if config.get("model_type") != "llama" or (architectures and "LlamaForCausalLM" not in architectures):
        raise ConversionError(
            f"only llama checkpoints can be converted: config.json has model_type {config.get('model_type')!r}, architectures {architectures}"
        )
    if config.get("attention_bias") or config.get("mlp_bias"):
        raise ConversionError("llama checkpoints with attention or MLP biases are not supported")
    rope_scaling = config.get("rope_scaling")
    if rope_scaling is not None and rope_scaling.get("rope_type", rope_scaling.get("type")) != "linear":
        raise ConversionError(f"rope_scaling {rope_scaling} is not supported (only linear)")
    if config.get("hidden_act", "silu") != "silu":
        raise ConversionError(f"hidden_act {config.get('hidden_act')!r} is not supported (llama uses silu)")
    return config


def read_tokenizer(model_dir: Path, config: dict) -> dict:
    """Tokens, scores and types in id order, special ids and flags, from tokenizer.json (+ tokenizer_config.json)."""
    tokenizer_path = model_dir / "tokenizer.json"
    if not tokenizer_path.is_file():
        raise ConversionError(f"{model_dir} has no tokenizer.json (a tokenizer.model-only checkpoint is not supported)")
    tokenizer_json = read_json(tokenizer_path)
    model = tokenizer_json["model"]
    if model.get("type") != "BPE":
        raise ConversionError(f"expected a BPE tokenizer in tokenizer.json, found {model.get('type')}")
    normalizer = tokenizer_json.get("normalizer") or {}
    pre_tokenizer = tokenizer_json.get("pre_tokenizer") or {}
    normalizers = normalizer.get("normalizers", [normalizer]) if normalizer.get("type") == "Sequence" else [normalizer]
    pre_tokenizers = pre_tokenizer.get("pretokenizers", [pre_tokenizer]) if pre_tokenizer.get("type") == "Sequence" else [pre_tokenizer]
    replaces_spaces = any(
        step.get("type") == "Replace" and step.get("pattern", {}).get("String") == " " and step.get("content") == SPACE for step in normalizers
    )
    metaspace = next((step for step in pre_tokenizers if step.get("type") == "Metaspace"), None)
    if not replaces_spaces and metaspace is None:
        raise ConversionError("tokenizer.json is not SentencePiece-style (no ' ' -> '\u2581' normalizer or Metaspace); byte-level BPE is not supported")
    add_space_prefix = any(step.get("type") == "Prepend" and step.get("prepend") == SPACE for step in normalizers) or (
        metaspace is not None and metaspace.get("prepend_scheme", "always" if metaspace.get("add_prefix_space", True) else "never") != "never"
    )

    vocab: dict[str, int] = dict(model["vocab"])
    for added in tokenizer_json.get("added_tokens", []):
        vocab.setdefault(added["content"], added["id"])
    size = max(int(config.get("vocab_size", 0)), max(vocab.values()) + 1)
    tokens: list[str | None] = [None] * size
    for text, token_id in vocab.items():
        tokens[token_id] = text
    # Rows the embedding has beyond the tokenizer: padding that llama.cpp must still see as tokens.
    for index, text in enumerate(tokens):
        if text is None:
            tokens[index] = f"[PAD{index}]"

    scores = [0.0] * size
    for rank, merge in enumerate(model.get("merges", [])):
        left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
        token_id = vocab.get(left + right)
        if token_id is None:
            raise ConversionError(f"merge {left!r} + {right!r} makes no token in the vocab")
        if scores[token_id] == 0.0:
            scores[token_id] = -float(rank + 1)

    config_path = model_dir / "tokenizer_config.json"
    tokenizer_config = read_json(config_path) if config_path.is_file() else {}

    def token_text(value) -> str | None:
        return value.get("content") if isinstance(value, dict) else value

    def special_id(key: str, fallback: int | None) -> int | None:
        text = token_text(tokenizer_config.get(key))
        return vocab[text] if text in vocab else fallback

    unk_text = model.get("unk_token") or token_text(tokenizer_config.get("unk_token"))
    specials = {added["content"] for added in tokenizer_json.get("added_tokens", []) if added.get("special")}
    types: list[gguf.TokenType] = []
    for text in tokens:
        if text == unk_text:
            types.append(gguf.TokenType.UNKNOWN)
        elif text in specials:
            types.append(gguf.TokenType.CONTROL)
        elif len(text) == 6 and text.startswith("<0x") and text.endswith(">"):
            types.append(gguf.TokenType.BYTE)
        elif text.startswith("[PAD") and text not in vocab:
            types.append(gguf.TokenType.UNUSED)
        else:
            types.append(gguf.TokenType.NORMAL)

    return {
        "tokens": tokens,
        "scores": scores,
        "types": types,
        "bos": special_id("bos_token", config.get("bos_token_id")),
        "eos": special_id("eos_token", config.get("eos_token_id")),
        "unk": vocab.get(unk_text) if unk_text is not None else None,
        "pad": special_id("pad_token", config.get("pad_token_id")),
        "add_bos": bool(tokenizer_config.get("add_bos_token", True)),
        "add_eos": bool(tokenizer_config.get("add_eos_token", False)),
        "add_space_prefix": add_space_prefix,
        "chat_template": tokenizer_config.get("chat_template") if isinstance(tokenizer_config.get("chat_template"), str) else None,
    }


def add_missing_byte_tokens(tokenizer: dict, tensors: dict[str, np.ndarray]) -> int:
    """Appends the `<0xXX>` tokens the vocab lacks, with the unknown token's embedding (and head) row.

    llama.cpp's SPM tokenizer spells a character that is no token as byte tokens and aborts the whole process
    (std::out_of_range) when those are missing too, as in vocabs trained without them (TinyStories-656K: 81
    characters, no bytes; Hugging Face maps other characters to <unk>). With the unknown token's rows, a byte
    token reads like <unk> and scores exactly <unk>'s logit, so greedy decoding still prefers <unk> (lower id).
    """
    present = set(tokenizer["tokens"])
    missing = [f"<0x{value:02X}>" for value in range(256) if f"<0x{value:02X}>" not in present]
    if not missing:
        return 0
    unk = tokenizer["unk"]
    for name in ("model.embed_tokens.weight", "lm_head.weight"):
        if name not in tensors:
            continue
        matrix = np.asarray(tensors[name], dtype=np.float32)
        row = matrix[unk] if unk is not None else np.zeros(matrix.shape[1], dtype=np.float32)
        tensors[name] = np.concatenate([matrix, np.repeat(row[None, :], len(missing), axis=0)])
    tokenizer["tokens"].extend(missing)
    tokenizer["scores"].extend([0.0] * len(missing))
    tokenizer["types"].extend([gguf.TokenType.BYTE] * len(missing))
    print(f"added {len(missing)} byte tokens the vocab lacks, as copies of <unk>", file=sys.stderr)
    return len(missing)


def load_weights(model_dir: Path) -> dict[str, np.ndarray]:
    files = sorted(model_dir.glob("*.safetensors"))
    if not files:
        raise ConversionError(f"{model_dir} has no *.safetensors weights (pytorch_model.bin is not supported)")
    tensors: dict[str, np.ndarray] = {}
    for file in files:
        tensors.update(load_safetensors(file))
    return tensors


def convert(model_dir: Path, output: Path, outtype: str, model_name: str) -> dict:
    config = read_llama_config(model_dir)
    tokenizer = read_tokenizer(model_dir, config)
    tensors = load_weights(model_dir)

    hidden = int(config["hidden_size"])
    n_head = int(config["num_attention_heads"])
    n_head_kv = int(config.get("num_key_value_heads") or n_head)
    head_dim = int(config.get("head_dim") or hidden // n_head)
    block_count = int(config["num_hidden_layers"])
    tied = bool(config.get("tie_word_embeddings", False))
    if outtype == "auto":
        outtype = "f32" if all(array.dtype == np.float32 for array in tensors.values()) else "f16"

    if "model.embed_tokens.weight" not in tensors:
        if not tied or "lm_head.weight" not in tensors:
            raise ConversionError("the checkpoint has no model.embed_tokens.weight")
        tensors["model.embed_tokens.weight"] = tensors["lm_head.weight"]
    if tied:
        tensors.pop("lm_head.weight", None)
    vocab_size = int(tensors["model.embed_tokens.weight"].shape[0])
    if len(tokenizer["tokens"]) != vocab_size:
        raise ConversionError(f"the tokenizer has {len(tokenizer['tokens'])} tokens but the embedding has {vocab_size} rows")
    bytes_added = add_missing_byte_tokens(tokenizer, tensors)
    vocab_size += bytes_added

    writer = gguf.GGUFWriter(str(output), "llama")
    writer.add_name(model_name)
    writer.add_context_length(int(config.get("max_position_embeddings", 2048)))
    writer.add_embedding_length(hidden)
    writer.add_block_count(block_count)
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    if head_dim != hidden // n_head:
        writer.add_key_length(head_dim)
        writer.add_value_length(head_dim)
    writer.add_rope_freq_base(float(config.get("rope_theta", 10000.0)))
    rope_scaling = config.get("rope_scaling")
    if rope_scaling is not None:
        writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        writer.add_rope_scaling_factor(float(rope_scaling["factor"]))
    writer.add_layer_norm_rms_eps(float(config.get("rms_norm_eps", 1e-6)))
    writer.add_vocab_size(vocab_size)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if outtype == "f16" else gguf.LlamaFileType.ALL_F32)

    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokenizer["tokens"])
    writer.add_token_scores(tokenizer["scores"])
    writer.add_token_types(tokenizer["types"])
    for key, add in (("bos", writer.add_bos_token_id), ("eos", writer.add_eos_token_id), ("unk", writer.add_unk_token_id), ("pad", writer.add_pad_token_id)):
        if tokenizer[key] is not None:
            add(int(tokenizer[key]))
    writer.add_add_bos_token(tokenizer["add_bos"])
    writer.add_add_eos_token(tokenizer["add_eos"])
    writer.add_add_space_prefix(tokenizer["add_space_prefix"])
    if tokenizer["chat_template"] is not None:
        writer.add_chat_template(tokenizer["chat_template"])

    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, block_count)
    written = 0
    for index, (name, array) in enumerate(sorted(tensors.items())):
        if name.endswith("rotary_emb.inv_freq"):
            continue  # derived from rope_theta
        gguf_name = name_map.get_name(name, try_suffixes=(".weight", ".bias"))
        if gguf_name is None:
            raise ConversionError(f"no GGUF name for tensor {name}")
        data = np.asarray(array, dtype=np.float32)
        if name.endswith("self_attn.q_proj.weight"):
            data = permute_rows(data, n_head)
        elif name.endswith("self_attn.k_proj.weight"):
            data = permute_rows(data, n_head_kv)
        data = np.ascontiguousarray(data)
        # Norm vectors stay F32 as llama.cpp's converter keeps them.
        if outtype == "f16" and data.ndim == 2:
            data = data.astype(np.float16)
        writer.add_tensor(gguf_name, data)
        written += 1
        print(f"tensor {index + 1}/{len(tensors)} {name} -> {gguf_name} {data.dtype} {list(data.shape)}", file=sys.stderr)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {
        "output": str(output),
        "tensors": written,
        "vocab": vocab_size,
        "outtype": outtype,
        "tiedEmbeddings": tied,
        "byteTokensAdded": bytes_added,
        "sizeBytes": output.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--outtype", choices=("auto", "f16", "f32"), default="auto")
    parser.add_argument("--name", default=None)
    args = parser.parse_args()
    partial = args.output.with_name(args.output.name + ".partial")
    try:
        result = convert(args.model_dir, partial, args.outtype, args.name or args.model_dir.resolve().name)
    except ConversionError as error:
        partial.unlink(missing_ok=True)
        print(f"convert_llama_to_gguf: {error}", file=sys.stderr)
        sys.exit(2)
    partial.replace(args.output)
    result["output"] = str(args.output)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
