/**
 * What a model-based proposer learns from under a multi-fidelity scheduler (docs/proposers.md).
 * - 'highest-budget' (BOHB / SMAC-MF): only the results of the highest budget with enough of them.
 * - 'all-budgets': every configuration's results, whatever budget it reached (how each proposer uses the budget is
 *   its own: the forest takes it as a feature, TPE ranks configurations by the budget they reached first).
 */
export type ModelTrainingData = 'highest-budget' | 'all-budgets';

export const MODEL_TRAINING_DATA: readonly ModelTrainingData[] = ['highest-budget', 'all-budgets'];

/** The value itself, or one error naming the owner and the accepted values. */
export function checkTrainingData(owner: string, value: unknown): ModelTrainingData {
  if (!MODEL_TRAINING_DATA.includes(value as ModelTrainingData)) {
    throw new Error(`${owner}: trainingData must be one of ${MODEL_TRAINING_DATA.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as ModelTrainingData;
}
