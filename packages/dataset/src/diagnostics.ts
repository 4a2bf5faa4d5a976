/**
 * A problem found while reading, converting or validating a dataset. Errors make a dataset
 * invalid; warnings and infos are reported but do not.
 */
export interface DatasetDiagnostic {
  severity: 'error' | 'warning' | 'info';
  /** Stable machine-readable code, e.g. `schema`, `missing-image`, `duplicate-id`. */
  code: string;
  /** What is wrong and how to fix it. */
  message: string;
  /** File the problem was seen in. */
  file?: string;
  /** 1-based line in that file. */
  line?: number;
  sampleId?: string;
  /** Dotted field path, e.g. `gold.entities.0.label`. */
  field?: string;
}
