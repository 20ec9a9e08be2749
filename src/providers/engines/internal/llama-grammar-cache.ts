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
  };
}
