/**
 * Classification metrics for the sentiment evaluation: confusion matrix, per-class F1 and macro-F1
 * (the unweighted mean of per-class F1, as reported by IndoNLU and NusaX).
 */

/** Counts `matrix[gold][predicted]` over `labels`, plus per-class and macro F1 (fractions 0–1). */
export interface ClassificationReport {
  readonly labels: readonly string[];
  readonly matrix: number[][];
  readonly f1: Record<string, number>;
  readonly macroF1: number;
  readonly accuracy: number;
  readonly n: number;
}

/**
 * Build a {@link ClassificationReport}. Predictions outside `labels` count as errors for the gold class
 * (they appear in no column). F1 of a class with no gold and no predicted items is 0.
 *
 * @param gold - Gold labels.
 * @param predicted - Predicted labels, same length as `gold`.
 * @param labels - The classes to report, in display order.
 * @throws {RangeError} when the two arrays differ in length.
 */
export function classificationReport(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): ClassificationReport {
  if (gold.length !== predicted.length) throw new RangeError('gold and predicted differ in length');
  const position = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = position.get(gold[i]!);
    const p = position.get(predicted[i]!);
    if (gold[i] === predicted[i]) correct++;
    if (g !== undefined && p !== undefined) matrix[g]![p]!++;
  }
  const f1: Record<string, number> = {};
  labels.forEach((label, c) => {
    const tp = matrix[c]![c]!;
    const goldCount = gold.filter((g) => g === label).length;
    const predictedCount = predicted.filter((p) => p === label).length;
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = goldCount === 0 ? 0 : tp / goldCount;
    f1[label] = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  });
  const macroF1 = labels.reduce((sum, l) => sum + f1[l]!, 0) / labels.length;
  return {
    labels,
    matrix,
    f1,
    macroF1,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    n: gold.length,
  };
}
