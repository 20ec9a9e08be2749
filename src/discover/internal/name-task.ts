/**
 * A readable name for a discovered task, from what defines it: for language-model agency the loop's tools;
 * for structured output the schema's keys; for tool choice the tools; otherwise the content words of the
 * template's last fixed user sentence (where instructions usually sit), else its system prompt.
 */
const stopWords = new Set(
  'a an the and or of to in on for with by from as at is are be this that these those it its your you our we i me my do does not no only just any all each one into than then there their them they what which who how when where why can could should would will shall may might must so such very more most less other some here please answer reply return output give use using following below above message text'.split(' '),
);

export function nameTask(input: { templates: readonly string[]; tools: readonly string[]; responseFormat: string | null; agency: 'code' | 'language-model' }): string {
  const template = input.templates[0] ?? '';
  if (input.agency === 'language-model') {
    return slug(['next-step', ...contentWords(systemPart(template)).slice(0, 3)]);
  }
  if (input.responseFormat?.startsWith('json_schema:')) {
    const keys = input.responseFormat.slice('json_schema:'.length).split(',').filter(Boolean).slice(0, 3);
    return slug([...contentWords(lastUserSentence(template)).slice(0, 2), ...keys]);
  }
  if (input.tools.length > 0) return slug(['call', ...contentWords(systemPart(template)).slice(0, 2), 'tools']);
  const words = contentWords(lastUserSentence(template));
  return slug(words.length >= 2 ? words.slice(0, 4) : contentWords(systemPart(template)).slice(0, 4));
}

function systemPart(template: string): string {
  const start = template.indexOf('system:');
  if (start === -1) return '';
  const end = template.indexOf('\n---\n', start);
  return template.slice(start + 7, end === -1 ? undefined : end);
}

function lastUserSentence(template: string): string {
  const start = template.lastIndexOf('user:');
  if (start === -1) return '';
  const lines = template.slice(start + 5).split('\n').filter((line) => line.length > 0 && !line.startsWith('{{') && line !== '---');
  return lines.at(-1) ?? '';
}

function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((word) => word.length > 2 && !stopWords.has(word) && !/^\d+$/.test(word));
}

function slug(words: readonly string[]): string {
  const joined = words.join('-').replace(/_/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return joined.length > 0 ? joined.slice(0, 60) : 'task';
}
