/** rouge-score 0.1.2's scores from counts: `scoring.fmeasure`, `_score_ngrams` and `_score_lcs`. */

export interface PRF {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** `scoring.fmeasure`: 2 * p * r / (p + r), evaluated left to right as in Python; 0.0 when p + r == 0. */
export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

export function scorePrf(precision: number, recall: number): PRF {
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** `_score_ngrams`: P = overlap / max(#pred n-grams, 1), R = overlap / max(#ref n-grams, 1). */
export function ngramPrf(overlap: number, refCount: number, predCount: number): PRF {
  return scorePrf(overlap / Math.max(predCount, 1), overlap / Math.max(refCount, 1));
}

/** `_score_lcs` and `_summary_level_lcs`: P = lcs / |pred|, R = lcs / |ref|; zeros when a side has no token. */
export function lcsPrf(lcs: number, refLen: number, predLen: number): PRF {
  if (refLen === 0 || predLen === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  return scorePrf(lcs / predLen, lcs / refLen);
}
