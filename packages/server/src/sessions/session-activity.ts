import type { MessageRecord } from '../domain/index.ts';

/** Counts since the process started, for metrics: agent steps, and messages stored by type. */
export class SessionActivity {
  private steps = 0;
  private readonly byType: Record<string, number> = {};

  onAppend(message: MessageRecord): void {
    this.byType[message.type] = (this.byType[message.type] ?? 0) + 1;
    if (message.type === 'LOG' && message.metadata['kind'] === 'step') this.steps++;
  }

  snapshot(): { steps: number; messagesByType: Record<string, number> } {
    return { steps: this.steps, messagesByType: { ...this.byType } };
  }
}
