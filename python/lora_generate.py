"""Greedy decoding with the torch model (base GGUF, optionally with a trained PEFT adapter), on token ids.

Used to prove that llama.cpp serves what torch trained: the same prompt tokens must give the same greedy
tokens in both. Prompts come in as JSON lines `{"tokens": [...]}` on stdin (tokenised by node-llama-cpp);
each answer goes out as one JSON line `{"tokens": [...]}` on stdout, in order.

    python lora_generate.py --base model.gguf [--adapter adapter-dir] --max-new-tokens 16 < prompts.jsonl
"""
from __future__ import annotations

import argparse
import json
import sys

import torch

from lora_gguf_model import load_llama_from_gguf


def greedy(model, prompt: list[int], max_new_tokens: int, stop_tokens: set[int], device: torch.device) -> list[int]:
    # A hand-written loop rather than model.generate(): Debian's torch 1.13 on Python 3.11 fails to import
    # torch.distributed's FSDP module, which generate() touches.
    generated: list[int] = []
    input_ids = torch.tensor([prompt], device=device)
    past = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            output = model(input_ids=input_ids, past_key_values=past, use_cache=True)
            past = output.past_key_values
            token = int(output.logits[0, -1].argmax())
            if token in stop_tokens:
                break
            generated.append(token)
            input_ids = torch.tensor([[token]], device=device)
    return generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="base model GGUF")
    parser.add_argument("--adapter", help="PEFT adapter directory written by train_lora.py")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--stop-token", type=int, action="append", default=[], help="extra end token ids (the GGUF's EOS always stops)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    args = parser.parse_args()

    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu")
    model, info = load_llama_from_gguf(args.base)
    if args.adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, args.adapter)
    model.to(device).eval()
    stop_tokens = {info.eos_token_id, *args.stop_token}
    for line in sys.stdin:
        if not line.strip():
            continue
        prompt = json.loads(line)["tokens"]
        tokens = greedy(model, prompt, args.max_new_tokens, stop_tokens, device)
        sys.stdout.write(json.dumps({"tokens": tokens}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
