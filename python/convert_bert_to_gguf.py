"""Converts a Hugging Face BERT sentence-embedding model (safetensors + WordPiece vocab) into a GGUF file that
llama.cpp's `bert` architecture loads as an embedding model.

Why our own script: llama.cpp's convert_hf_to_gguf.py needs torch and transformers (gigabytes); this needs
only `gguf` and `numpy`. It writes what llama.cpp's BERT loader and WPM tokenizer read:

* architecture `bert`, non-causal attention, the pooling of sentence-transformers' `1_Pooling/config.json`
  (mean for all-MiniLM-L6-v2) as `bert.pooling_type`; llama.cpp does not L2-normalise, the caller does;
* the vocab in llama.cpp's "phantom space" form: a word-initial piece `foo` becomes `▁foo`, a continuation
  `##foo` becomes `foo`, special tokens stay as they are (CONTROL type);
* `[CLS]` as BOS (llama.cpp's WPM tokenizer prepends BOS and appends SEP), SEP/UNK/PAD/MASK ids;
* `tokenizer.ggml.normalizer.lowercase` from the tokenizer's `do_lower_case` (llama.cpp defaults it to false,
  which would send "Hello" to [UNK] on an uncased vocab); accents are stripped when lowercasing, as in
  Hugging Face's BertNormalizer with `strip_accents: null`.

Usage: python convert_bert_to_gguf.py --model-dir DIR --output FILE.gguf [--outtype f16|f32] [--name NAME]
Prints one JSON line with the result on stdout; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import gguf
import numpy as np

from safetensors_numpy import load_safetensors


def read_json(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_pooling_type(model_dir: Path) -> gguf.PoolingType:
    """sentence-transformers keeps pooling in modules.json → <path>/config.json; plain BERT defaults to mean."""
    modules_path = model_dir / "modules.json"
    if not modules_path.is_file():
        return gguf.PoolingType.MEAN
    for module in json.loads(modules_path.read_text(encoding="utf-8")):
        if module.get("type") != "sentence_transformers.models.Pooling":
            continue
        pooling = read_json(model_dir / module["path"] / "config.json")
        if pooling.get("pooling_mode_mean_tokens"):
            return gguf.PoolingType.MEAN
        if pooling.get("pooling_mode_cls_token"):
            return gguf.PoolingType.CLS
        raise ValueError(f"unsupported pooling in {module['path']}/config.json: {pooling}")
    return gguf.PoolingType.MEAN


def read_tokenizer(model_dir: Path) -> tuple[list[str], set[str], dict, dict]:
    """The vocab in id order, the special token strings, tokenizer.json's normalizer, and tokenizer_config."""
    tokenizer_json = read_json(model_dir / "tokenizer.json")
    model = tokenizer_json["model"]
    if model.get("type") != "WordPiece":
        raise ValueError(f"expected a WordPiece tokenizer, found {model.get('type')}")
    vocab: dict[str, int] = model["vocab"]
    tokens = [""] * len(vocab)
    for text, token_id in vocab.items():
        tokens[token_id] = text
    if any(text == "" for text in tokens):
        raise ValueError("tokenizer.json vocab ids are not contiguous")
    specials = {added["content"] for added in tokenizer_json.get("added_tokens", []) if added.get("special")}
    config_path = model_dir / "tokenizer_config.json"
    tokenizer_config = read_json(config_path) if config_path.is_file() else {}
    return tokens, specials, tokenizer_json.get("normalizer") or {}, tokenizer_config


def gguf_tensor_name(name: str, name_map: gguf.TensorNameMap) -> str | None:
    """The GGUF name of a Hugging Face BERT tensor, or None for tensors an embedding model does not use."""
    if name.startswith("bert."):
        name = name[len("bert."):]
    if name.endswith(".gamma"):
        name = name[: -len(".gamma")] + ".weight"
    if name.endswith(".beta"):
        name = name[: -len(".beta")] + ".bias"
    if name == "embeddings.position_ids" or name.startswith(("pooler.", "cls.")):
        return None
    mapped = name_map.get_name(name, try_suffixes=(".weight", ".bias"))
    if mapped is None:
        raise ValueError(f"no GGUF name for tensor {name}")
    return mapped


def convert(model_dir: Path, output: Path, outtype: str, model_name: str) -> dict:
    config = read_json(model_dir / "config.json")
    if config.get("model_type") != "bert":
        raise ValueError(f"expected model_type 'bert' in config.json, found {config.get('model_type')}")
    block_count = int(config["num_hidden_layers"])
    tokens, specials, normalizer, tokenizer_config = read_tokenizer(model_dir)
    token_ids = {text: index for index, text in enumerate(tokens)}

    def special_id(key: str, default: str) -> int:
        text = tokenizer_config.get(key, default)
        if text not in token_ids:
            raise ValueError(f"special token {text} ({key}) is not in the vocab")
        return token_ids[text]

    writer = gguf.GGUFWriter(str(output), "bert")
    writer.add_name(model_name)
    writer.add_context_length(int(config["max_position_embeddings"]))
    writer.add_embedding_length(int(config["hidden_size"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_block_count(block_count)
    writer.add_head_count(int(config["num_attention_heads"]))
    writer.add_layer_norm_eps(float(config.get("layer_norm_eps", 1e-12)))
    writer.add_causal_attention(False)
    writer.add_pooling_type(read_pooling_type(model_dir))
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if outtype == "f16" else gguf.LlamaFileType.ALL_F32)

    token_types = [gguf.TokenType.CONTROL if text in specials else gguf.TokenType.NORMAL for text in tokens]

    def phantom(text: str, token_type: gguf.TokenType) -> str:
        if token_type == gguf.TokenType.CONTROL:
            return text
        return text[2:] if text.startswith("##") else "\u2581" + text

    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("default")
    writer.add_token_list([phantom(text, kind) for text, kind in zip(tokens, token_types)])
    writer.add_token_types(token_types)
    writer.add_token_type_count(int(config.get("type_vocab_size", 1)))
    writer.add_uint32(gguf.Keys.Tokenizer.BOS_ID, special_id("cls_token", "[CLS]"))
    writer.add_uint32(gguf.Keys.Tokenizer.SEP_ID, special_id("sep_token", "[SEP]"))
    writer.add_uint32(gguf.Keys.Tokenizer.UNK_ID, special_id("unk_token", "[UNK]"))
    writer.add_uint32(gguf.Keys.Tokenizer.PAD_ID, special_id("pad_token", "[PAD]"))
    writer.add_uint32(gguf.Keys.Tokenizer.MASK_ID, special_id("mask_token", "[MASK]"))
    writer.add_bool(gguf.Keys.Tokenizer.ADD_BOS, True)
    writer.add_bool(gguf.Keys.Tokenizer.ADD_SEP, True)
    writer.add_bool(gguf.Keys.Tokenizer.ADD_EOS, False)
    # Written by key: older gguf releases have no add_normalizer_* helpers.
    lowercase = bool(normalizer.get("lowercase", tokenizer_config.get("do_lower_case", False)))
    writer.add_bool("tokenizer.ggml.normalizer.lowercase", lowercase)
    strip_accents = normalizer.get("strip_accents")
    if strip_accents is not None:
        writer.add_bool("tokenizer.ggml.normalizer.strip_accents", bool(strip_accents))

    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, block_count)
    tensors = load_safetensors(model_dir / "model.safetensors")
    written = 0
    for index, (name, array) in enumerate(sorted(tensors.items())):
        gguf_name = gguf_tensor_name(name, name_map)
        if gguf_name is None:
            continue
        data = np.ascontiguousarray(array, dtype=np.float32)
        # Matrices become F16 on request; norms, biases and the 2-row token-type table stay F32 as llama.cpp's
        # converter keeps them.
        if outtype == "f16" and data.ndim == 2 and not gguf_name.startswith("token_types"):
            data = data.astype(np.float16)
        writer.add_tensor(gguf_name, data)
        written += 1
        print(f"tensor {index + 1}/{len(tensors)} {name} -> {gguf_name} {data.dtype} {list(data.shape)}", file=sys.stderr)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {"output": str(output), "tensors": written, "vocab": len(tokens), "outtype": outtype, "sizeBytes": output.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--outtype", choices=("f16", "f32"), default="f16")
    parser.add_argument("--name", default=None)
    args = parser.parse_args()
    partial = args.output.with_name(args.output.name + ".partial")
    result = convert(args.model_dir, partial, args.outtype, args.name or args.model_dir.name)
    partial.replace(args.output)
    result["output"] = str(args.output)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
