import { MODE_NAMES } from '@mmre/core';
import type { ComparisonRow, DeltaRow, ModeSummary, Report, SystemReport } from './build.js';
import { METRIC_NAMES, METRICS } from './build.js';
import { fmtCi, fmtDelta, fmtP, fmtPoints, fmtRate, modeSettings } from './format.js';

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** A table cell: the value, or `no answer` for a mode none of whose calls answered. */
const cell = (t: ModeSummary, v: number | null) => (t.answered ? fmtPoints(v) : 'no answer');

/** The paper's table of one model (rows = modes, columns = metrics), in markdown. */
export function renderMainTable(system: SystemReport): string {
  return table(
    ['Mode', ...METRICS.map((m) => METRIC_NAMES[m])],
    system.table.map((t) => [t.name, ...METRICS.map((m) => cell(t, t.metrics[m]))]),
  );
}

const levelOf = (alpha: number) => `${Math.round((1 - alpha) * 100)}% CI`;

/** The MRE delta table of one model (joint − single) with CIs, raw and Holm-adjusted p-values. */
export function renderDeltaTable(system: SystemReport, alpha = 0.05): string {
  return table(
    ['Metric', 'Single', 'Joint', 'Δ (joint − single)', levelOf(alpha), 'p', 'p (Holm)', 'n'],
    system.deltas.map((d: DeltaRow) => [
      METRIC_NAMES[d.metric],
      fmtPoints(d.singleValue),
      fmtPoints(d.jointValue),
      fmtDelta(d.delta),
      fmtCi(d.low, d.high),
      fmtP(d.pValue),
      fmtP(d.pHolm),
      String(d.n),
    ]),
  );
}

/** Model against model for one pair: a row per mode and metric, a − b. */
export function renderComparisonTable(rows: readonly ComparisonRow[], alpha = 0.05): string {
  const first = rows[0];
  if (!first) return '';
  return table(
    ['Mode', 'Metric', first.a, first.b, `Δ (${first.a} − ${first.b})`, levelOf(alpha), 'p', 'p (Holm)', 'n'],
    rows.map((c) => [
      MODE_NAMES[c.mode],
      METRIC_NAMES[c.metric],
      fmtPoints(c.aValue),
      fmtPoints(c.bValue),
      fmtDelta(c.delta),
      fmtCi(c.low, c.high),
      fmtP(c.pValue),
      fmtP(c.pHolm),
      String(c.n),
    ]),
  );
}

/** The comparisons grouped by pair of models, in report order. */
export function comparisonPairs(report: Report): ComparisonRow[][] {
  const pairs = new Map<string, ComparisonRow[]>();
  for (const c of report.comparisons) {
    const k = `${c.a}\u0000${c.b}`;
    pairs.set(k, [...(pairs.get(k) ?? []), c]);
  }
  return [...pairs.values()];
}

function detailsTable(system: SystemReport): string {
  return table(
    [
      'Mode',
      'answered',
      'errors',
      'cached',
      'cut at max tokens',
      'format ok',
      'Task 1 anchor',
      'NER anchor',
      'pairs anchor',
      'NER P / R',
      'NER macro F1',
      'pair P / F1',
    ],
    system.table.map((t) => [
      t.name,
      `${t.counts.scored}${t.counts.rows !== t.counts.scored ? ` of ${t.counts.rows}` : ''}`,
      String(t.counts.errors),
      String(t.counts.cached),
      String(t.counts.truncated),
      fmtRate(t.compliance.all),
      fmtRate(t.compliance.task1),
      fmtRate(t.compliance.ner),
      fmtRate(t.compliance.pairs),
      t.extra.nerPrecision === null ? 'n/a' : `${fmtPoints(t.extra.nerPrecision)} / ${fmtPoints(t.extra.nerRecall)}`,
      fmtPoints(t.extra.nerMacroF1),
      t.extra.pairPrecision === null ? 'n/a' : `${fmtPoints(t.extra.pairPrecision)} / ${fmtPoints(t.extra.pairF1)}`,
    ]),
  );
}

/** One line per mode: provider, model and settings as found in the results. */
function settingsLines(system: SystemReport): string[] {
  return system.table.map((t) => {
    const p = t.provider;
    const settings = modeSettings(t)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return (
      `- ${t.name}: provider \`${p?.key ?? 'unknown'}\`${p && p.id !== p.key ? ` (${p.id})` : ''}` +
      `${p?.model ? `, model \`${p.model}\`` : ''}${settings ? `; ${settings}` : ''}`
    );
  });
}

function systemSection(report: Report, system: SystemReport, level: string): string[] {
  const out: string[] = [];
  out.push(renderMainTable(system));
  out.push('');
  const truncated = system.table.reduce((n, t) => n + t.counts.truncated, 0);
  if (truncated > 0) {
    out.push(`_${truncated} answer(s) cut at max tokens (finish_reason \`length\`): see "cut at max tokens" below._`);
    out.push('');
  }
  if (system.deltas.length > 0) {
    out.push(`${level} Mutual Reinforcement Effect (joint − single)`);
    out.push('');
    out.push(
      `${system.pairedSamples} paired samples. Paired bootstrap percentile CI (${report.options.bootstrap} resamples, seed ${report.options.seed}; corpus metrics ` +
        'recomputed from resampled per-sample statistics) and two-sided paired approximate-randomization p-value ' +
        `(${report.options.bootstrap} relabellings); p (Holm): adjusted across the metrics of this table.`,
    );
    out.push('');
    out.push(renderDeltaTable(system, report.options.alpha));
    out.push('');
  } else {
    out.push('_No MRE delta: the joint mode and the matching single mode are not both present._');
    out.push('');
  }
  out.push(`${level} Details per mode`);
  out.push('');
  out.push(detailsTable(system));
  out.push('');
  out.push(`${level} Models and settings`);
  out.push('');
  out.push(...settingsLines(system));
  return out;
}

/** The whole report as markdown. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const many = report.systems.length > 1;
  out.push('## M-MRE results');
  out.push('');
  out.push(
    `${many ? `${report.systems.length} models: ${report.systems.map((s) => `\`${s.key}\` (${s.pairedSamples} paired samples)`).join(', ')}. ` : `${report.systems[0]?.pairedSamples ?? 0} paired samples. `}` +
      `All values in points (fraction × 100): ROUGE = mean per-sample F-measure${report.options.stemmer ? ' (Porter stemmer)' : ''}, BLEU = corpus sacreBLEU, NER F1 = micro, ` +
      'Image–Entity Accuracy = micro (Σcorrect / Σgold); each mode over its answered rows, the deltas over the paired samples. ' +
      'n/a: the mode does not do that task; no answer: every call of the mode errored.',
  );
  out.push('');
  for (const system of report.systems) {
    if (many) {
      out.push(`## Model \`${system.key}\``);
      out.push('');
    }
    out.push(...systemSection(report, system, many ? '####' : '###'));
    out.push('');
  }
  const pairs = comparisonPairs(report);
  if (pairs.length > 0) {
    out.push('## Model against model');
    out.push('');
    out.push(
      `Per mode, on the samples both models answered: a − b with its paired bootstrap percentile CI and paired approximate-randomization p-value (${report.options.bootstrap} resamples, seed ${report.options.seed}); p (Holm): adjusted across the metrics of each mode.`,
    );
    for (const rows of pairs) {
      const first = rows[0] as ComparisonRow;
      out.push('');
      out.push(`### \`${first.a}\` − \`${first.b}\``);
      out.push('');
      out.push(renderComparisonTable(rows, report.options.alpha));
    }
    out.push('');
  }
  const files = report.runs.map(
    (r) =>
      `- ${r.file}: ${r.rows} rows${r.evalId ? `, eval ${r.evalId}` : ''}${r.promptfooVersion ? `, promptfoo ${r.promptfooVersion}` : ''}`,
  );
  if (files.length) {
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
