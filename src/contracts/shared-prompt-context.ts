/**
 * The part of a task's prompt that every training example shared (the system prompt, the tools offered) and that
 * a LoRA specialist was therefore trained without: it learned that part, so showing it again would only cost
 * prefill — for a tool loop, ~740 of ~990 prompt tokens, in training and in every served call. Kept as digests:
 * a call whose system prompt or tools differ from what the specialist learned (an edited prompt, a new tool
 * argument) is outside what it knows, and the router escalates it (`prompt_changed`) instead of answering.
 */
import { z } from 'zod';

export const sharedPromptContextSchema = z.object({
  /** sha256 of the leading system messages (see `systemDigest`), or null when the system prompt stays in the prompt. */
  system: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** sha256 of the tools offered (see `toolsDigest`), or null when the tools stay in the prompt. */
  tools: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});
export type SharedPromptContext = z.infer<typeof sharedPromptContextSchema>;
