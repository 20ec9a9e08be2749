/**
 * Grammars compiled from JSON schemas, cached per runtime: a task sends the same schema on every call and
 * compiling a grammar costs more than a short answer's first token.
 */
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import { UnderstudyError } from '../../../contracts/errors.ts';
import { toGrammarSchema, toToolCallGrammarSchema, type GrammarSchemaResult } from './llama-grammar-schema.ts';

export interface LlamaGrammarCache {
  /** Throws `invalid_request` naming the schema when the grammar cannot express it. */
  forSchema(name: string, schema: Record<string, unknown>): Promise<LlamaGrammar>;
  forAnyObject(): Promise<LlamaGrammar>;
  forToolCall(tools: Array<{ name: string; parameters?: Record<string, unknown> }>): Promise<LlamaGrammar>;
  /** A call of one of the tools (as `forToolCall`) or a text reply that does not open with `{`. */
  forToolCallOrReply(tools: Array<{ name: string; parameters?: Record<string, unknown> }>): Promise<LlamaGrammar>;
}

const maximumCachedGrammars = 64;

export function createLlamaGrammarCache(llama: Llama): LlamaGrammarCache {
  const cache = new Map<string, Promise<LlamaGrammar>>();

  function compile(label: string, result: GrammarSchemaResult, param: string): Promise<LlamaGrammar> {
    if (result.verdict === 'inexpressible') {
      throw new UnderstudyError('invalid_request', `${label} cannot be expressed as a grammar: ${result.reason}`, { param });
    }
    const key = JSON.stringify(result.schema);
    const cached = cache.get(key);
    if (cached !== undefined) {
      // Re-insert so the map's insertion order is least-recently-used first.
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const compiling = llama.createGrammarForJsonSchema<GbnfJsonSchema>(result.schema).catch((error: unknown) => {
      cache.delete(key);
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnderstudyError('invalid_request', `${label} cannot be expressed as a grammar: ${reason}`, { param, cause: error });
    });
    cache.set(key, compiling);
    const oldest = cache.keys().next().value;
    if (cache.size > maximumCachedGrammars && oldest !== undefined) cache.delete(oldest);
    return compiling;
  }

  return {
    async forSchema(name, schema) {
      return compile(`JSON schema "${name}"`, toGrammarSchema(schema), 'response_format');
    },
    async forAnyObject() {
      return compile('json_object', toGrammarSchema({ type: 'object', additionalProperties: true }), 'response_format');
    },
    async forToolCall(tools) {
      return compile(`Tools (${tools.map((tool) => tool.name).join(', ')})`, toToolCallGrammarSchema(tools), 'tools');
    },
    async forToolCallOrReply(tools) {
      const label = `Tools (${tools.map((tool) => tool.name).join(', ')})`;
      const call = await compile(label, toToolCallGrammarSchema(tools), 'tools');
      const key = `reply-or:${call.grammar}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const combined = llama.createGrammar({ grammar: callOrReplyGrammar(call.grammar), stopGenerationTriggers: call.stopGenerationTriggers, trimWhitespaceSuffix: true }).catch((error: unknown) => {
        cache.delete(key);
        throw new UnderstudyError('invalid_request', `${label} with a text reply cannot be expressed as a grammar: ${error instanceof Error ? error.message : String(error)}`, { param: 'tools', cause: error });
      });
      cache.set(key, combined);
      return combined;
    },
  };
}

/**
 * The JSON-schema grammar's root becomes one alternative; the other is free text that does not open with `{`,
 * whitespace or a control character, so the first token decides which one the model is writing.
 */
export function callOrReplyGrammar(callGrammar: string): string {
  const renamed = callGrammar.replace(/^root ::=/m, 'tool-call ::=');
  if (renamed === callGrammar || /(^|[\s(|])root([\s)|*+?]|$)/m.test(renamed)) throw new Error('the tool-call grammar does not have a single, unreferenced root rule');
  return `root ::= tool-call | text-reply\ntext-reply ::= [^{ \\t\\n\\r\\x00-\\x1F] [^\\x00]*\n${renamed}`;
}
