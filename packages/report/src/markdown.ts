import type { Report } from './build.js';
import { METRIC_NAMES, METRICS } from './build.js';
import { fmtCi, fmtDelta, fmtP, fmtPoints, fmtRate, fmtSetting } from './format.js';

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** The paper's table (rows = modes, columns = metrics), in markdown. */
export function renderMainTable(report: Report): string {
  return table(
    ['Mode', ...METRICS.map((m) => METRIC_NAMES[m])],
    report.table.map((t) => [t.name, ...METRICS.map((m) => fmtPoints(t.metrics[m]))]),
  );
}

/** The MRE delta table (joint − single) with CIs and p-values. */
export function renderDeltaTable(report: Report): string {
  const level = `${Math.round((1 - report.options.alpha) * 100)}% CI`;
  return table(
    ['Metric', 'Single', 'Joint', 'Δ (joint − single)', level, 'p', 'n'],
    report.deltas.map((d) => [
      METRIC_NAMES[d.metric],
      fmtPoints(d.singleValue),
      fmtPoints(d.jointValue),
      fmtDelta(d.delta),
      fmtCi(d.low, d.high),
      fmtP(d.pValue),
      String(d.n),
    ]),
  );
}

/** The whole report as markdown. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push('## M-MRE results');
  out.push('');
  out.push(
    `${report.pairedSamples} paired samples. All values in points (fraction × 100): ROUGE = mean per-sample F-measure` +
      `${report.options.stemmer ? ' (Porter stemmer)' : ''}, BLEU = corpus sacreBLEU, NER F1 = micro, ` +
      'Image–Entity Accuracy = micro (Σcorrect / Σgold); each mode over its answered rows, the deltas over the paired samples. ' +
      'n/a: the mode does not do that task.',
  );
  out.push('');
  out.push(renderMainTable(report));
  out.push('');
  if (report.deltas.length > 0) {
    out.push('### Mutual Reinforcement Effect (joint − single)');
    out.push('');
    out.push(
      `Paired bootstrap percentile CI (${report.options.bootstrap} resamples, seed ${report.options.seed}; corpus metrics ` +
        'recomputed from resampled per-sample statistics) and two-sided paired approximate-randomization p-value ' +
        `(${report.options.bootstrap} relabellings).`,
    );
    out.push('');
    out.push(renderDeltaTable(report));
    out.push('');
  } else {
    out.push('_No MRE delta: the joint mode and the matching single mode are not both present._');
    out.push('');
  }
  out.push('### Details per mode');
  out.push('');
  out.push(
    table(
      [
        'Mode',
        'answered',
        'errors',
        'cached',
        'format ok',
        'Task 1 anchor',
        'NER anchor',
        'pairs anchor',
        'NER P / R',
        'NER macro F1',
        'pair P / F1',
      ],
      report.table.map((t) => [
        t.name,
        `${t.counts.scored}${t.counts.rows !== t.counts.scored ? ` of ${t.counts.rows}` : ''}`,
        String(t.counts.errors),
        String(t.counts.cached),
        fmtRate(t.compliance.all),
        fmtRate(t.compliance.task1),
        fmtRate(t.compliance.ner),
        fmtRate(t.compliance.pairs),
        t.extra.nerPrecision === null ? 'n/a' : `${fmtPoints(t.extra.nerPrecision)} / ${fmtPoints(t.extra.nerRecall)}`,
        fmtPoints(t.extra.nerMacroF1),
        t.extra.pairPrecision === null ? 'n/a' : `${fmtPoints(t.extra.pairPrecision)} / ${fmtPoints(t.extra.pairF1)}`,
      ]),
    ),
  );
  out.push('');
  out.push('### Models and settings');
  out.push('');
  for (const t of report.table) {
    const p = t.provider;
    const settings = Object.entries({
      ...(p?.settings ?? {}),
      ...Object.fromEntries(Object.entries(t.promptSettings).map(([k, v]) => [`prompt.${k}`, v])),
    })
      .map(([k, v]) => `${k}=${fmtSetting(v)}`)
      .join(', ');
    out.push(
      `- ${t.name}: provider \`${p?.key ?? 'unknown'}\`${p && p.id !== p.key ? ` (${p.id})` : ''}` +
        `${p?.model ? `, model \`${p.model}\`` : ''}${settings ? `; ${settings}` : ''}`,
    );
  }
  const files = report.runs.map(
    (r) =>
      `- ${r.file}: ${r.rows} rows${r.evalId ? `, eval ${r.evalId}` : ''}${r.promptfooVersion ? `, promptfoo ${r.promptfooVersion}` : ''}`,
  );
  if (files.length) {
    out.push('');
    out.push('### Results files');
    out.push('');
    out.push(...files);
  }
  if (report.warnings.length) {
    out.push('');
    out.push('### Warnings');
    out.push('');
    for (const w of report.warnings) out.push(`- ${w}`);
  }
  return `${out.join('\n')}\n`;
}

/** The report as pretty JSON (the same numbers as the markdown, unrounded). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
