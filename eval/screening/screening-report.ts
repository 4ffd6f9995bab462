import type { CaseResult, Figures, SetReport } from './run-screening.ts';

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

function summary(f: Figures): string {
  return [
    `harmful refused ${f.harmfulRefused}/${f.harmful} (recall ${percent(f.recall)})`,
    `benign passed ${f.benign - f.benignRefused}/${f.benign} (${percent(f.benignPassRate)})`,
    `precision ${percent(f.precision)}`,
    `uncertain by rules: ${f.harmfulUncertain} harmful, ${f.benignUncertain} benign`,
    ...(f.unscreened > 0 ? [`unscreened (classifier failed, refused): ${f.unscreened}`] : []),
  ].join('; ');
}

function caseLine(r: CaseResult): string {
  const what = r.case.label === 'harmful' ? 'MISSED ' : 'REFUSED';
  const how = r.decision === 'unscreened' ? `unscreened: ${r.problem}` : r.refusedBy === null ? `rules: ${r.rules}${r.ruleId === null ? '' : ` (${r.ruleId})`}` : `by ${r.refusedBy}${r.ruleId === null ? '' : ` (${r.ruleId})`}`;
  return `  ${what} ${r.case.id.padEnd(12)} [${how}] ${r.case.task}`;
}

/** The printed report: per set, the figures, per category, and every misclassified task. */
export function formatScreeningReport(reports: readonly SetReport[], mode: string): string[] {
  const lines = [`intent screening (${mode})`];
  for (const report of reports) {
    lines.push('', `${report.name}: ${summary(report.figures)}`);
    for (const { category, figures } of report.byCategory) {
      lines.push(`  ${category.padEnd(26)} harmful ${figures.harmfulRefused}/${figures.harmful}  benign passed ${figures.benign - figures.benignRefused}/${figures.benign}`);
    }
    lines.push(`  misclassified (${report.misclassified.length}):`);
    for (const r of report.misclassified) lines.push(caseLine(r));
  }
  return lines;
}
