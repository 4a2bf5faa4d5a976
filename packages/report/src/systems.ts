// Which rows are one "model" of the report (a system): the one place that decides it.
//
// A provider entry (its label, else its id) is one model as long as its rows agree on what the model
// is: the model name and the decoding and resolution settings found in the results. Rows of one label
// that disagree (two halves of a run, one with a 3B model and one with 72B, under the same label) are
// never merged: they become separate models, named by what differs, and a warning names the files.
// Settings that do not change answers (server URLs, concurrency, timeouts, retries) are not compared.
// A field one side does not know (promptfoo's JSONL output carries no provider config) never conflicts.
//
// When every mode has exactly one provider and there are several, they are one model with one
// checkpoint per mode (configs/providers/vllm-per-mode.yaml: a joint fine-tune against single-task
// fine-tunes). Otherwise every provider is a model of its own, and the report compares them.
import type { Mode } from '@mmre/core';
import { stableJson, TABLE_MODES } from '@mmre/core';
import type { ProviderSettings, ResultRow, RunInfo } from './load.js';

/** Provider config keys that change what the model answers: compared between rows of one label. */
const IDENTITY_KEY =
  /temperature|top_?p|top_?k|min_?p|max_?(new_?)?tokens|max_?completion|seed|repetition|presence|frequency|penalty|^stop|pixels|resolution|detail|constrain|regex|grammar|dtype|quant/i;

/** What the results say a row's model is; null fields are unknown. */
interface Identity {
  model: string | null;
  /** Decoding settings of the provider config (IDENTITY_KEY), stable JSON (keys sorted); null: no config. */
  decoding: Record<string, string> | null;
  /** The prompt's image settings (the PFA `mmre.image` / `mmre.images`), stable JSON; null: none. */
  resolution: string | null;
}

function resolutionOf(row: ResultRow): string | null {
  const mmre = row.promptSettings.mmre as Record<string, unknown> | undefined;
  if (!mmre || typeof mmre !== 'object') return null;
  const { mode: _mode, ...rest } = mmre;
  return Object.keys(rest).length ? stableJson(rest) : null;
}

/** Differences between two identities, as `field a ≠ b` texts (only fields both know). */
function differences(a: Identity, b: Identity): { field: string; a: string; b: string }[] {
  const out: { field: string; a: string; b: string }[] = [];
  if (a.model !== null && b.model !== null && a.model !== b.model) out.push({ field: 'model', a: a.model, b: b.model });
  if (a.decoding && b.decoding)
    for (const k of [...new Set([...Object.keys(a.decoding), ...Object.keys(b.decoding)])].sort()) {
      const x = a.decoding[k] ?? 'unset';
      const y = b.decoding[k] ?? 'unset';
      if (x !== y) out.push({ field: k, a: x, b: y });
    }
  if (a.resolution !== null && b.resolution !== null && a.resolution !== b.resolution)
    out.push({ field: 'images', a: a.resolution, b: b.resolution });
  return out;
}

/** Fills the unknown fields of `into` from `from` (after a compatibility check). */
function absorb(into: Identity, from: Identity): void {
  into.model ??= from.model;
  into.decoding ??= from.decoding;
  into.resolution ??= from.resolution;
}

/** One provider as the report counts it: a label, split when its rows disagree on the model. */
interface Unit {
  key: string;
  provider: string;
  identity: Identity;
  files: Set<string>;
  modes: Set<Mode>;
}

/** A model of the report: one provider, or one checkpoint per mode. */
export interface SystemPlan {
  /** Unique name: the provider label (id when unlabelled), `a + b + c` for a checkpoint per mode. */
  key: string;
  /** The provider (unit) that answered each mode. */
  members: Partial<Record<Mode, string>>;
}

export interface SystemAssignment {
  systems: SystemPlan[];
  /** The system key of each row (by row object). */
  systemOf: Map<ResultRow, string>;
  warnings: string[];
}

/** Code-point order (the same in every locale). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const short = (v: string) => (v.length > 60 ? `${v.slice(0, 57)}…` : v);

/**
 * Assigns every row to a model (see the module comment). Deterministic, and independent of the order
 * of rows and files: profiles are compared in (file, row) order.
 */
export function assignSystems(rows: readonly ResultRow[], runs: readonly RunInfo[]): SystemAssignment {
  const warnings: string[] = [];
  const configOf = new Map<string, ProviderSettings>();
  for (const run of runs)
    for (const p of run.providers) if (p.source === 'config') configOf.set(`${run.file}\u0000${p.key}`, p);

  // One profile per (provider, file, image settings): what those rows say the model is.
  const profiles = new Map<string, { provider: string; file: string; identity: Identity; rows: ResultRow[] }>();
  for (const row of rows) {
    const resolution = resolutionOf(row);
    const k = `${row.provider}\u0000${row.file}\u0000${resolution}`;
    let p = profiles.get(k);
    if (!p) {
      const cfg = configOf.get(`${row.file}\u0000${row.provider}`);
      const decoding: Record<string, string> | null = cfg ? {} : null;
      if (cfg && decoding)
        for (const [key, v] of Object.entries(cfg.settings)) if (IDENTITY_KEY.test(key)) decoding[key] = stableJson(v);
      const model = cfg?.model ?? (typeof row.responseMetadata.model === 'string' ? row.responseMetadata.model : null);
      p = { provider: row.provider, file: row.file, identity: { model, decoding, resolution }, rows: [] };
      profiles.set(k, p);
    }
    if (p.identity.model === null && typeof row.responseMetadata.model === 'string')
      p.identity.model = row.responseMetadata.model;
    p.rows.push(row);
  }

  // Per provider, profiles that agree are one unit; the first disagreement starts another.
  const ordered = [...profiles.values()].sort(
    (a, b) =>
      byText(a.provider, b.provider) ||
      byText(a.file, b.file) ||
      byText(a.identity.resolution ?? '', b.identity.resolution ?? ''),
  );
  const unitsByProvider = new Map<string, { identity: Identity; profiles: typeof ordered }[]>();
  for (const p of ordered) {
    const groups = unitsByProvider.get(p.provider) ?? [];
    const g = groups.find((x) => differences(x.identity, p.identity).length === 0);
    if (g) {
      absorb(g.identity, p.identity);
      g.profiles.push(p);
    } else groups.push({ identity: { ...p.identity }, profiles: [p] });
    unitsByProvider.set(p.provider, groups);
  }

  const units: Unit[] = [];
  const unitOf = new Map<ResultRow, Unit>();
  for (const [provider, groups] of unitsByProvider) {
    const named = groups.map((g) => ({ g, key: provider }));
    if (groups.length > 1) {
      // Name each part by the fields that tell the parts apart.
      const fields = new Set<string>();
      for (let i = 0; i < groups.length; i++)
        for (let j = i + 1; j < groups.length; j++)
          for (const d of differences(
            (groups[i] as (typeof groups)[number]).identity,
            (groups[j] as (typeof groups)[number]).identity,
          ))
            fields.add(d.field);
      const value = (id: Identity, f: string) =>
        f === 'model' ? id.model : f === 'images' ? id.resolution : (id.decoding?.[f] ?? null);
      for (const n of named)
        n.key = `${provider} [${[...fields].map((f) => `${f}=${short(value(n.g.identity, f) ?? '?')}`).join(', ')}]`;
      const describe = named
        .map((n) => `«${n.key}» in ${[...new Set(n.g.profiles.map((p) => p.file))].join(', ')}`)
        .join('; ');
      warnings.push(
        `provider ${JSON.stringify(provider)} has rows that disagree on ${[...fields].join(', ')}: ${describe}. ` +
          'They are reported as separate models, never merged; give each run its own provider label to name them',
      );
    }
    for (const { g, key } of named) {
      const unit: Unit = { key, provider, identity: g.identity, files: new Set(), modes: new Set() };
      for (const p of g.profiles) {
        unit.files.add(p.file);
        for (const r of p.rows) {
          unit.modes.add(r.mode);
          unitOf.set(r, unit);
        }
      }
      units.push(unit);
    }
  }
  units.sort((a, b) => byText(a.key, b.key));

  // One checkpoint per mode, or one model per provider.
  const modes = TABLE_MODES.filter((m) => units.some((u) => u.modes.has(m)));
  const perMode = units.length > 1 && modes.every((m) => units.filter((u) => u.modes.has(m)).length === 1);
  const systems: SystemPlan[] = [];
  const systemOf = new Map<ResultRow, string>();
  if (perMode) {
    const members: Partial<Record<Mode, string>> = {};
    const names: string[] = [];
    for (const m of modes) {
      const u = units.find((x) => x.modes.has(m)) as Unit;
      members[m] = u.key;
      if (!names.includes(u.key)) names.push(u.key);
    }
    const key = names.join(' + ');
    systems.push({ key, members });
    for (const [row] of unitOf) systemOf.set(row, key);
    // The checkpoints differ by design; their decoding and image settings should not.
    const list = units.map((u) => u.identity);
    const diff = new Set<string>();
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        for (const d of differences(list[i] as Identity, list[j] as Identity))
          if (d.field !== 'model') diff.add(d.field);
    if (diff.size > 0)
      warnings.push(
        `the checkpoints of ${key} (one per mode) were run with different ${[...diff].join(', ')}: the joint − single deltas compare those settings too`,
      );
  } else {
    for (const u of units) {
      const members: Partial<Record<Mode, string>> = {};
      for (const m of TABLE_MODES) if (u.modes.has(m)) members[m] = u.key;
      systems.push({ key: u.key, members });
    }
    for (const [row, u] of unitOf) systemOf.set(row, u.key);
  }
  return { systems, systemOf, warnings };
}
