"""The micro-specialist model: a tiny llama-architecture transformer over a byte vocabulary, in torch.

Written in llama.cpp's own layout so the GGUF export (micro_gguf.py) copies tensors without any permutation:
RoPE rotates adjacent pairs (x[2i], x[2i+1]), which is llama.cpp's LLAMA_ROPE_TYPE_NORM for the `llama`
architecture; Hugging Face's Llama rotates halves instead, which is why convert_hf_to_gguf permutes q/k.

Vocabulary (the llama-2 SentencePiece layout, so llama.cpp's SPM tokenizer with byte fallback reproduces it):
  0 <unk>, 1 <s> (BOS), 2 </s> (EOS), 3..258 <0x00>..<0xFF> (BYTE), 259 <pad>, 260 "▁" (the space).
llama.cpp's SPM tokenizer first rewrites every space as "▁" (U+2581); with no merges in the vocabulary each
character then becomes its own token if its text is in the vocabulary, else its UTF-8 bytes. So a space (and
a literal "▁") is token 260 and every other character is its bytes: `encode_text` mirrors exactly that.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
BYTE_OFFSET = 3
PAD_ID = 259
SPACE_ID = 260
VOCAB_SIZE = 261
SPACE_PIECE = "\u2581"


def encode_text(text: str) -> list[int]:
    """Token ids llama.cpp's SPM tokenizer gives `text` with this vocabulary (no BOS, no space prefix)."""
    ids: list[int] = []
    for character in text:
        if character == " " or character == SPACE_PIECE:
            ids.append(SPACE_ID)
        else:
            ids.extend(BYTE_OFFSET + byte for byte in character.encode("utf-8"))
    return ids


def decode_ids(ids: list[int]) -> str:
    """Text of generated ids, as llama.cpp detokenises them (BYTE tokens are raw bytes, "▁" is a space)."""
    data = bytearray()
    for token in ids:
        if token == SPACE_ID:
            data.extend(b" ")
        elif BYTE_OFFSET <= token < BYTE_OFFSET + 256:
            data.append(token - BYTE_OFFSET)
    return data.decode("utf-8", errors="replace")


def vocabulary() -> list[tuple[str, int]]:
    """(text, gguf token type) per id: 1 normal, 2 unknown, 3 control, 6 byte."""
    entries = [("<unk>", 2), ("<s>", 3), ("</s>", 3)]
    entries += [(f"<0x{byte:02X}>", 6) for byte in range(256)]
    entries += [("<pad>", 3), (SPACE_PIECE, 1)]
    assert len(entries) == VOCAB_SIZE
    return entries


@dataclass(frozen=True)
class MicroConfig:
    dim: int = 192
    layers: int = 4
    heads: int = 6
    kv_heads: int = 2
    ffn_dim: int = 512
    context_length: int = 768
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads

    def validate(self) -> None:
        if self.dim % self.heads != 0:
            raise ValueError(f"dim {self.dim} is not divisible by heads {self.heads}")
        if self.head_dim % 2 != 0:
            raise ValueError(f"head size {self.head_dim} must be even for RoPE")
        if self.heads % self.kv_heads != 0:
            raise ValueError(f"heads {self.heads} is not a multiple of kv_heads {self.kv_heads}")

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(config: MicroConfig, length: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    inverse = 1.0 / (config.rope_theta ** (torch.arange(0, config.head_dim, 2, device=device, dtype=torch.float32) / config.head_dim))
    angles = torch.outer(torch.arange(length, device=device, dtype=torch.float32), inverse)
    return angles.cos(), angles.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: (batch, heads, time, head_dim); rotates adjacent pairs, as llama.cpp's NORM RoPE does."""
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, config: MicroConfig) -> None:
        super().__init__()
        self.config = config
        kv_dim = config.kv_heads * config.head_dim
        self.attn_norm = RMSNorm(config.dim, config.norm_eps)
        self.attn_q = nn.Linear(config.dim, config.dim, bias=False)
        self.attn_k = nn.Linear(config.dim, kv_dim, bias=False)
        self.attn_v = nn.Linear(config.dim, kv_dim, bias=False)
        self.attn_output = nn.Linear(config.dim, config.dim, bias=False)
        self.ffn_norm = RMSNorm(config.dim, config.norm_eps)
        self.ffn_gate = nn.Linear(config.dim, config.ffn_dim, bias=False)
        self.ffn_up = nn.Linear(config.dim, config.ffn_dim, bias=False)
        self.ffn_down = nn.Linear(config.ffn_dim, config.dim, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None, cache: list | None = None) -> torch.Tensor:
        config = self.config
        batch, time, _ = x.shape
        h = self.attn_norm(x)
        q = self.attn_q(h).view(batch, time, config.heads, config.head_dim).transpose(1, 2)
        k = self.attn_k(h).view(batch, time, config.kv_heads, config.head_dim).transpose(1, 2)
        v = self.attn_v(h).view(batch, time, config.kv_heads, config.head_dim).transpose(1, 2)
        # Scaling q before the product is the same as scaling the scores, on a (time x time) fewer elements.
        q, k = apply_rope(q, cos, sin) * (1.0 / math.sqrt(config.head_dim)), apply_rope(k, cos, sin)
        if cache is not None:
            # Greedy decoding: keys and values of earlier positions, already rotated.
            if cache:
                k, v = torch.cat((cache[0], k), dim=2), torch.cat((cache[1], v), dim=2)
            cache[:] = [k, v]
        group = config.heads // config.kv_heads
        if group > 1:
            k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        scores = q @ k.transpose(-2, -1)
        if mask is not None:
            scores = scores + mask
        attended = (F.softmax(scores.float(), dim=-1).type_as(q) @ v).transpose(1, 2).reshape(batch, time, config.dim)
        x = x + self.attn_output(attended)
        h = self.ffn_norm(x)
        return x + self.ffn_down(F.silu(self.ffn_gate(h)) * self.ffn_up(h))


class MicroLlama(nn.Module):
    def __init__(self, config: MicroConfig) -> None:
        super().__init__()
        config.validate()
        self.config = config
        self.token_embd = nn.Embedding(VOCAB_SIZE, config.dim)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.output_norm = RMSNorm(config.dim, config.norm_eps)
        self.output = nn.Linear(config.dim, VOCAB_SIZE, bias=False)
        self.apply(self._init)
        # GPT-2 style: residual projections scaled down with depth keeps early training stable.
        for block in self.blocks:
            for layer in (block.attn_output, block.ffn_down):
                nn.init.normal_(layer.weight, std=0.02 / math.sqrt(2 * config.layers))

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)

    def forward(self, ids: torch.Tensor, start: int = 0, caches: list | None = None) -> torch.Tensor:
        """Logits for `ids` at positions start..; `caches` (one list per block) keeps keys/values for decoding."""
        time = ids.shape[1]
        cos, sin = rope_tables(self.config, start + time, ids.device)
        cos, sin = cos[start:], sin[start:]
        mask = None
        if time > 1:
            mask = torch.full((time, start + time), float("-inf"), device=ids.device).triu(start + 1)
        x = self.token_embd(ids)
        for index, block in enumerate(self.blocks):
            x = block(x, cos, sin, mask, None if caches is None else caches[index])
        return self.output(self.output_norm(x))

    def parameter_count(self) -> int:
        return sum(parameter.numel() for parameter in self.parameters())


@torch.no_grad()
def greedy_answer(model: MicroLlama, prompt_ids: list[int], max_new_tokens: int) -> list[int]:
    """Greedy continuation of `prompt_ids` up to EOS (excluded) or the context limit, with a key/value cache."""
    model.eval()
    caches: list = [[] for _ in model.blocks]
    logits = model(torch.tensor([prompt_ids]), 0, caches)[0, -1]
    position = len(prompt_ids)
    answer: list[int] = []
    for _ in range(max_new_tokens):
        token = int(torch.argmax(logits))
        if token == EOS_ID or position >= model.config.context_length:
            break
        answer.append(token)
        logits = model(torch.tensor([[token]]), position, caches)[0, -1]
        position += 1
    return answer
