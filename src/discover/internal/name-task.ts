/**
 * Readable names for discovered tasks, from the words that set each task apart. A task's prompts come in
 * several wordings and often open with run-specific payload (a company's own system prompt), so the first
 * template's first words name it badly (`slot-1`). Instead every skeleton word gets a score per task: the
 * share of the task's calls whose skeleton holds it, times the share of that word's use (over all tasks) that
 * falls in this task. A word in every call of one task and no other scores 1; a word every task of the agent
 * uses scores little. The best words are read in the order the task's main template has them. Language-model
 * agency tasks read `next-step-…`; structured-output tasks end with their schema's first keys.
 */
const stopWords = new Set(
  'a an the and or of to in on for with by from as at is are be this that these those it its your you our we i me my do does not no only just any all each one into than then there their them they what which who how when where why can could should would will shall may might must so such very more most less other some here please following below above using use slot json null about also like per via etc fine based was were has have had been being did done'.split(' '),
);

/** What naming needs from a task: its skeleton templates with call counts, and its call-site shape. */
export interface NameableTask {
  /** Skeleton texts (`{{slot_n}}` for payload) with how many calls had each; the most used first. */
  templates: ReadonlyArray<{ text: string; calls: number }>;
  calls: number;
  tools: readonly string[];
  responseFormat: string | null;
  agency: 'code' | 'language-model';
}

/** A word must reach this score to name a task; below it the main template's own words fill in. */
const minScore = 0.15;

/** One name per task, in order. Not unique: the caller adds suffixes where two tasks still share one. */
export function nameTasks(tasks: readonly NameableTask[]): string[] {
  const shares = tasks.map(termShares);
  const totals = new Map<string, number>();
  for (const share of shares) for (const [term, value] of share) totals.set(term, (totals.get(term) ?? 0) + value);
  return tasks.map((task, index) => {
    const order = readingOrder(task);
    const position = (term: string) => order.get(term.split(' ')[0]!) ?? Infinity;
    // A phrase ("summarise thread") reads better than two loose words: pairs of adjacent words get a bonus.
    const scored = [...shares[index]!]
      .map(([term, value]) => ({ term, score: value * (value / totals.get(term)!) * (term.includes(' ') ? 1.25 : 1) }))
      .filter((entry) => entry.score >= minScore)
      .sort((a, b) => b.score - a.score || position(a.term) - position(b.term) || (a.term < b.term ? -1 : 1));
    const keys = task.responseFormat?.startsWith('json_schema:') ? task.responseFormat.slice('json_schema:'.length).split(',').filter(Boolean) : [];
    const wanted = task.agency === 'language-model' || keys.length > 0 ? 2 : 3;
    const chosen: string[] = [];
    for (const { term } of scored) {
      const words = term.split(' ').filter((word) => !chosen.includes(word));
      if (chosen.length + words.length > wanted) continue;
      chosen.push(...words);
      if (chosen.length >= wanted) break;
    }
    // Too few distinctive words: the main template's first content words fill in.
    for (const word of order.keys()) {
      if (chosen.length >= Math.min(wanted, 2)) break;
      if (!chosen.includes(word)) chosen.push(word);
    }
    chosen.sort((a, b) => position(a) - position(b));
    const parts = task.agency === 'language-model' ? ['next-step', ...chosen] : [...chosen, ...keys.filter((key) => !chosen.includes(key)).slice(0, 2)];
    if (parts.length === 0 && task.tools.length > 0) parts.push('call', ...task.tools.slice(0, 2));
    return slug(parts);
  });
}

/** Share of the task's calls whose skeleton holds each content word and each pair of adjacent content words. */
function termShares(task: NameableTask): Map<string, number> {
  const counts = new Map<string, number>();
  let covered = 0;
  for (const template of task.templates) {
    covered += template.calls;
    const terms = new Set<string>();
    for (const line of skeletonLines(template.text)) {
      const words = contentWords(line);
      words.forEach((word, at) => {
        terms.add(word);
        if (at > 0 && words[at - 1] !== word) terms.add(`${words[at - 1]} ${word}`);
      });
    }
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + template.calls);
  }
  const calls = Math.max(task.calls, covered, 1);
  return new Map([...counts].map(([term, count]) => [term, count / calls] as const));
}

/** Position of each content word in the task's templates, the most used first: names read in prompt order. */
function readingOrder(task: NameableTask): Map<string, number> {
  const order = new Map<string, number>();
  for (const template of task.templates) {
    const lines = skeletonLines(template.text);
    // Instructions usually close a prompt: the last user line is read first.
    const userStart = template.text.lastIndexOf('user:') === -1 ? lines.length : lines.length - 1;
    for (const line of [...lines.slice(userStart), ...lines.slice(0, userStart)]) {
      for (const word of contentWords(line)) if (!order.has(word)) order.set(word, order.size);
    }
  }
  return order;
}

/**
 * The template's prose: lines of three or more words. Table rows, column lists, code and identifiers recur in
 * a task's skeleton too (a schema, a label set), but they say what the data is, not what the task does.
 */
function skeletonLines(text: string): string[] {
  return text.split('\n').filter((line) => line.split(' ').length >= 3 && !/[|(){}=#*<>]|\b(select|from|where|join)\b.*\b(from|where|join|by)\b/.test(line));
}

function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9_']+/)
    .map((word) => word.replace(/'s$|'/g, ''))
    // Identifiers (order_status, full_name) are data; words with digits are versions or values.
    .filter((word) => word.length > 2 && !stopWords.has(word) && !/[\d_]/.test(word));
}

/** At most 48 characters, cut at a word boundary. */
function slug(words: readonly string[]): string {
  let joined = words.join('-').replace(/_/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  while (joined.length > 48 && joined.includes('-')) joined = joined.slice(0, joined.lastIndexOf('-'));
  return joined.length > 0 ? joined.slice(0, 48) : 'task';
}
