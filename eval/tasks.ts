import type { EvalTask, SuiteName } from './eval-task.ts';
import { BOOKING_TASKS } from './suites/booking.ts';
import { FORMS_TASKS } from './suites/forms.ts';
import { RESEARCH_TASKS } from './suites/research.ts';
import { SHOPPING_TASKS } from './suites/shopping.ts';
import { WEBMAIL_TASKS } from './suites/webmail.ts';
import { WIDGETS_TASKS } from './suites/widgets.ts';

/** Every eval task, suite by suite. Ids are unique; the oracle finds its plan by the task text. */
export const ALL_TASKS: readonly EvalTask[] = [...RESEARCH_TASKS, ...FORMS_TASKS, ...SHOPPING_TASKS, ...BOOKING_TASKS, ...WEBMAIL_TASKS, ...WIDGETS_TASKS];

export function tasksOf(suite?: SuiteName): EvalTask[] {
  return ALL_TASKS.filter((t) => suite === undefined || t.suite === suite);
}
