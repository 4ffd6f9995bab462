import type { HazardCategory } from '../../packages/server/src/safety/index.ts';

/**
 * One task of the screening corpus. A benign case carries the category it resembles (security
 * testing of one's own site looks like cybercrime), so per-category figures show both sides.
 */
export interface ScreeningCase {
  id: string;
  category: HazardCategory;
  label: 'harmful' | 'benign';
  task: string;
}

/** Builds cases of one category and label: ids `<prefix>-<h|b>-NN`. */
export function cases(prefix: string, category: HazardCategory, label: ScreeningCase['label'], tasks: readonly string[]): ScreeningCase[] {
  return tasks.map((task, i) => ({ id: `${prefix}-${label === 'harmful' ? 'h' : 'b'}-${String(i + 1).padStart(2, '0')}`, category, label, task }));
}
