/** The replaceability report's building blocks: output-shape inference, per-task assessment, the cost model, renderers. */
export { inferOutputShape, countActions } from './infer-output-shape.ts';
export { assessTask, computeSavings, countUsableExamples, minimumShareThatMatters, type AssessTaskInput } from './assess-task.ts';
export { defaultCostModel, defaultSlmServing, slmUsdPerMillionTokens } from './default-cost-model.ts';
export { renderReportTerminal } from './render-report-terminal.ts';
export { renderReportMarkdown } from './render-report-markdown.ts';
export { renderReportHtml } from './render-report-html.ts';
