"""Reference for the llama converter's tests: what a Hugging Face llama checkpoint itself does, read straight from
its own files (never from the converted GGUF), so a converter mistake cannot cancel out.

* Tokenisation: Hugging Face's `tokenizers` library on tokenizer.json (no special tokens added).
* Greedy continuation: a numpy float32 forward pass over the safetensors weights that follows transformers'
  LlamaForCausalLM (RMSNorm, half-split rotary embedding, grouped-query attention, SiLU-gated MLP, tied or
  separate head). numpy rather than transformers so it runs in the torch-free `convert` + `reference`
  environment; the model is tiny, so each step recomputes the whole sequence.

Reads one JSON object on stdin: {"modelDir": str, "texts": [str], "prompts": [[int]], "maxNewTokens": int}
and writes {"tokenIds": [[int]], "continuations": [[int]]} (a continuation stops before EOS).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from safetensors_numpy import load_safetensors


class NumpyLlama:
    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.weights: dict[str, np.ndarray] = {}
        for file in sorted(model_dir.glob("*.safetensors")):
            self.weights.update({name: np.asarray(array, dtype=np.float32) for name, array in load_safetensors(file).items()})
        self.n_head = int(config["num_attention_heads"])
        self.n_kv = int(config.get("num_key_value_heads") or self.n_head)
        self.head_dim = int(config.get("head_dim") or config["hidden_size"] // self.n_head)
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("rms_norm_eps", 1e-6))
        self.theta = float(config.get("rope_theta", 10000.0))
        self.eos = int(config["eos_token_id"])
        self.embed = self.weights.get("model.embed_tokens.weight", self.weights.get("lm_head.weight"))
        self.head = self.weights.get("lm_head.weight", self.embed)

    def _norm(self, x: np.ndarray, weight: np.ndarray) -> np.ndarray:
        return (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps)) * weight

    def _rope(self, x: np.ndarray) -> np.ndarray:
        # x: (heads, seq, head_dim); transformers' rotate_half convention.
        positions = np.arange(x.shape[1], dtype=np.float32)
        inv_freq = 1.0 / (self.theta ** (np.arange(0, self.head_dim, 2, dtype=np.float32) / self.head_dim))
        angles = np.outer(positions, inv_freq)
        cos = np.cos(np.concatenate([angles, angles], axis=-1))
        sin = np.sin(np.concatenate([angles, angles], axis=-1))
        half = self.head_dim // 2
        rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
        return x * cos + rotated * sin

    def logits(self, tokens: list[int]) -> np.ndarray:
        w = self.weights
        x = self.embed[tokens]
        seq = len(tokens)
        mask = np.triu(np.full((seq, seq), -np.inf, dtype=np.float32), 1)
        for layer in range(self.layers):
            prefix = f"model.layers.{layer}."
            h = self._norm(x, w[prefix + "input_layernorm.weight"])
            q = (h @ w[prefix + "self_attn.q_proj.weight"].T).reshape(seq, self.n_head, self.head_dim).transpose(1, 0, 2)
            k = (h @ w[prefix + "self_attn.k_proj.weight"].T).reshape(seq, self.n_kv, self.head_dim).transpose(1, 0, 2)
            v = (h @ w[prefix + "self_attn.v_proj.weight"].T).reshape(seq, self.n_kv, self.head_dim).transpose(1, 0, 2)
            q, k = self._rope(q), self._rope(k)
            group = self.n_head // self.n_kv
            k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(self.head_dim) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            attention = (scores / scores.sum(axis=-1, keepdims=True)) @ v
            x = x + attention.transpose(1, 0, 2).reshape(seq, -1) @ w[prefix + "self_attn.o_proj.weight"].T
            h = self._norm(x, w[prefix + "post_attention_layernorm.weight"])
            gate = h @ w[prefix + "mlp.gate_proj.weight"].T
            up = h @ w[prefix + "mlp.up_proj.weight"].T
            x = x + ((gate / (1.0 + np.exp(-gate))) * up) @ w[prefix + "mlp.down_proj.weight"].T
        return self._norm(x[-1], w["model.norm.weight"]) @ self.head.T

    def greedy(self, prompt: list[int], max_new_tokens: int) -> list[int]:
        tokens = list(prompt)
        generated: list[int] = []
        for _ in range(max_new_tokens):
            token = int(np.argmax(self.logits(tokens)))
            if token == self.eos:
                break
            generated.append(token)
            tokens.append(token)
        return generated


def main() -> None:
    request = json.loads(sys.stdin.read())
    model_dir = Path(request["modelDir"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    token_ids = [tokenizer.encode(text, add_special_tokens=False).ids for text in request.get("texts", [])]
    continuations: list[list[int]] = []
    if request.get("prompts"):
        model = NumpyLlama(model_dir)
        continuations = [model.greedy(prompt, int(request.get("maxNewTokens", 32))) for prompt in request["prompts"]]
    print(json.dumps({"tokenIds": token_ids, "continuations": continuations}))


if __name__ == "__main__":
    main()
