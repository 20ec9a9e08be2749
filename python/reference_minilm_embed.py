"""A reference for testing the llama.cpp embedder: the BERT forward pass of a sentence-transformers model
written out in numpy, tokenised by Hugging Face's own `tokenizers` library from the model's tokenizer.json.

It follows Hugging Face's BertModel exactly (erf GELU, post-layer-norm blocks, absolute positions, token type 0)
then sentence-transformers' mean pooling over the attention mask and L2 normalisation. It is slow and simple on
purpose: it exists to be compared with, not to serve.

stdin:  {"modelDir": "...", "texts": ["...", ...], "maxTokens": 256}
stdout: {"embeddings": [[...], ...], "tokenIds": [[101, ..., 102], ...]}
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from safetensors_numpy import load_safetensors

_erf = np.vectorize(math.erf, otypes=[np.float64])


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def linear(x: np.ndarray, tensors: dict[str, np.ndarray], prefix: str) -> np.ndarray:
    return x @ tensors[prefix + ".weight"].astype(np.float64).T + tensors[prefix + ".bias"]


def embed(token_ids: list[int], tensors: dict[str, np.ndarray], config: dict) -> np.ndarray:
    eps = float(config.get("layer_norm_eps", 1e-12))
    heads = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    head_size = hidden // heads
    length = len(token_ids)
    x = (
        tensors["embeddings.word_embeddings.weight"][token_ids].astype(np.float64)
        + tensors["embeddings.position_embeddings.weight"][:length]
        + tensors["embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, tensors["embeddings.LayerNorm.weight"], tensors["embeddings.LayerNorm.bias"], eps)
    for layer in range(int(config["num_hidden_layers"])):
        prefix = f"encoder.layer.{layer}"

        def split(values: np.ndarray) -> np.ndarray:
            return values.reshape(length, heads, head_size).transpose(1, 0, 2)

        query = split(linear(x, tensors, f"{prefix}.attention.self.query"))
        key = split(linear(x, tensors, f"{prefix}.attention.self.key"))
        value = split(linear(x, tensors, f"{prefix}.attention.self.value"))
        scores = query @ key.transpose(0, 2, 1) / math.sqrt(head_size)
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        attended = (weights @ value).transpose(1, 0, 2).reshape(length, hidden)
        attention_output = linear(attended, tensors, f"{prefix}.attention.output.dense")
        x = layer_norm(
            attention_output + x,
            tensors[f"{prefix}.attention.output.LayerNorm.weight"],
            tensors[f"{prefix}.attention.output.LayerNorm.bias"],
            eps,
        )
        intermediate = gelu(linear(x, tensors, f"{prefix}.intermediate.dense"))
        x = layer_norm(
            linear(intermediate, tensors, f"{prefix}.output.dense") + x,
            tensors[f"{prefix}.output.LayerNorm.weight"],
            tensors[f"{prefix}.output.LayerNorm.bias"],
            eps,
        )
    pooled = x.mean(axis=0)  # one unpadded sequence: the attention-mask mean is the plain mean
    return pooled / max(np.linalg.norm(pooled), 1e-12)


def main() -> None:
    request = json.load(sys.stdin)
    model_dir = Path(request["modelDir"])
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    tensors = {name.removeprefix("bert."): array for name, array in load_safetensors(model_dir / "model.safetensors").items()}
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(request.get("maxTokens", 256)))
    embeddings: list[list[float]] = []
    token_ids: list[list[int]] = []
    for text in request["texts"]:
        ids = tokenizer.encode(text).ids
        token_ids.append(ids)
        embeddings.append(embed(ids, tensors, config).tolist())
    json.dump({"embeddings": embeddings, "tokenIds": token_ids}, sys.stdout)


if __name__ == "__main__":
    main()
