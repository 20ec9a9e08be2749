/**
 * `query/research`: the open-ended step. Given the question, the SQL that ran and its result, the model
 * summarises, explains, suggests follow-ups or drafts an update. There is no single right answer — this is
 * the part of the agent that truly needs the LLM — so the expected answer is `open`.
 */
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { locatePii } from './internal/locate-pii.ts';
import type { QueryCallInput } from './internal/query-call-input.ts';
import { containsAny, extractQuestion, renderQuestionLine, systemText, userText, type PlantedValue } from './internal/query-prompt.ts';

const personas = [
  'You are a data analyst who explains query results to business stakeholders.',
  'You are a research assistant that interprets SQL results and reasons about them.',
  'Act as an insights analyst: read the result set and say what matters.',
  'You turn raw query output into clear findings for non-technical readers.',
  'You are an analytics partner helping a team make sense of their data.',
] as const;

const toneRules = [
  'Be concise and concrete.',
  'Write in plain English; avoid jargon.',
  'Keep it under 200 words.',
  'Use short paragraphs or bullet points.',
  'Point out uncertainty where the data is thin.',
] as const;

const sqlHeaders = ['SQL that was run:', 'Query executed:', 'The query:', 'Executed SQL:', 'We ran:'] as const;
const resultHeaders = ['Result', 'Rows returned', 'Query output', 'Result set', 'Output'] as const;

export const researchAsks = {
  summary: ['Summarise what this result tells us.', 'What are the key takeaways here?', 'Give me a short summary of these numbers.'],
  followUps: ['Suggest three follow-up questions worth asking next.', 'What should we look into next, based on this?', 'Propose follow-up analyses.'],
  caveats: ['What caveats or data-quality issues should we keep in mind?', 'How much should we trust this result? Any pitfalls?'],
  explain: ['Explain in plain English what the query does and what the result means.', 'Walk a non-technical colleague through this query and its output.'],
  update: ['Draft a short Slack update for the team about this finding.', 'Write a brief email to the stakeholders summarising this.'],
} as const;

type AskKind = keyof typeof researchAsks;
const askKinds = Object.keys(researchAsks) as AskKind[];

export interface ResearchMaterial {
  sql: string;
  columns: readonly string[];
  rows: ReadonlyArray<readonly unknown[]>;
}

const piiColumns: Readonly<Record<string, 'person_name' | 'email'>> = { full_name: 'person_name', email: 'email' };

export function buildResearchCall(input: QueryCallInput, material: ResearchMaterial): GeneratedCall {
  const { random, question } = input;
  const planted: PlantedValue[] = [];
  for (const [name, kind] of Object.entries(question.template.piiParameters ?? {})) {
    const value = question.parameters[name];
    if (value !== undefined) planted.push({ kind, value });
  }
  const shown = material.rows.slice(0, random.int(5, 15));
  const table = shown.map((row) =>
    row
      .map((cell, index) => {
        const kind = piiColumns[material.columns[index] ?? ''];
        if (kind !== undefined) planted.push({ kind, value: String(cell) });
        return String(cell);
      })
      .join(' | '),
  );
  const count = material.rows.length;
  const resultLine = `${random.pick(resultHeaders)} (${count} row${count === 1 ? '' : 's'}${shown.length < count ? `, first ${shown.length} shown` : ''}):`;
  const ask = random.pick(researchAsks[random.pick(askKinds)]);
  const user = [
    renderQuestionLine(question.text, random),
    `${random.pick(sqlHeaders)}\n${material.sql}`,
    `${resultLine}\n${material.columns.join(' | ')}\n${table.join('\n')}`,
    ask,
  ].join('\n\n');
  const messages = [
    { role: 'system' as const, content: `${random.pick(personas)} ${random.pick(toneRules)}` },
    { role: 'user' as const, content: user },
  ];
  return {
    request: { model: input.model, messages, temperature: 0.7 },
    task: researchSkill.task,
    openEnded: true,
    expected: { kind: 'open' },
    pii: locatePii(messages, planted),
  };
}

function askOf(text: string): AskKind {
  return askKinds.find((kind) => researchAsks[kind].some((ask) => text.includes(ask))) ?? 'summary';
}

function resultFacts(text: string): { count: number; firstRow: string | undefined } {
  const match = /\((\d+) rows?[,)]/.exec(text);
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((line) => /^\w[^:]*\(\d+ rows?/.test(line));
  return { count: match === null ? 0 : Number(match[1]), firstRow: headerIndex === -1 ? undefined : lines[headerIndex + 2] };
}

const openings = ['Here is what stands out.', 'Short version:', 'A few observations.', 'Looking at this result:', 'Quick read of the numbers:'];

function researchAnswer(question: string, count: number, firstRow: string | undefined, ask: AskKind, random: Random): string {
  const subject = question.replace(/[?.]$/, '').toLowerCase();
  const lead = firstRow === undefined ? '' : ` The first row reads "${firstRow}".`;
  const body: Record<AskKind, () => string> = {
    summary: () => `The query answering "${subject}" returned ${count} row${count === 1 ? '' : 's'}.${lead} ${random.pick([
      'The distribution looks concentrated in a few entries, which is worth keeping in mind before generalising.',
      'Nothing looks out of the ordinary, but the sample is small.',
      'The spread between the top and bottom values is notable and may deserve a closer look.',
    ])}`,
    followUps: () => ['How does this compare with the same period last year?', 'Which segment drives most of the difference?',
      'Are there outliers that skew the totals?', 'Does the picture change if cancelled records are excluded?',
      'How has this trended month by month?'].filter(() => random.chance(0.7)).slice(0, 3)
      .map((line, index) => `${index + 1}. ${line}`).join('\n') || '1. How has this trended month by month?',
    caveats: () => `With ${count} row${count === 1 ? '' : 's'} this is ${count < 5 ? 'a thin basis' : 'a reasonable basis'} for "${subject}". ${random.pick([
      'Check for duplicate records and for rows with missing dates.',
      'Status values may be applied inconsistently across teams.',
      'Names are not unique keys; two people with the same name would be merged.',
    ])}`,
    explain: () => `The query looks up ${subject} and returns ${count} matching row${count === 1 ? '' : 's'}. ${random.pick([
      'It joins the related tables on their ids and filters to the values in the question.',
      'It reads the tables the question mentions and keeps only the rows that fit.',
    ])}${lead}`,
    update: () => `${random.pick(['Hi team,', 'Quick update:', 'FYI all —'])} we looked into ${subject}: ${count} result${count === 1 ? '' : 's'}.${lead} ${random.pick([
      'Happy to dig deeper if useful.', 'Details in the dashboard.', 'Let me know if you want a breakdown.',
    ])}`,
  };
  return `${random.pick(openings)}\n\n${body[ask]()}`;
}

export const researchSkill: TaskSkill = {
  task: 'query/research',
  agent: 'query',
  openEnded: true,
  recognise: (request) => containsAny(systemText(request), personas),
  respond(request, random): TeacherReply {
    const text = userText(request);
    const facts = resultFacts(text);
    return { kind: 'content', content: researchAnswer(extractQuestion(text) ?? 'this question', facts.count, facts.firstRow, askOf(text), random) };
  },
  respondWrongly(_request, random): TeacherReply {
    return {
      kind: 'content',
      content: random.pick([
        "I'm sorry, I can't access your database, so I can't say anything about these results.",
        'SQL is a language for querying relational databases.',
        'The result looks fine.',
      ]),
    };
  },
};
