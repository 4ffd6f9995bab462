import { APIError } from '@steward/client';

/** A failed call, as a person reads it: the server's message and its code. */
export function describeError(error: unknown): string {
  if (error instanceof APIError) return `${error.message}${error.code ? ` (${error.code})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBanner({ message, onDismiss }: { message: string | undefined; onDismiss(): void }) {
  if (message === undefined) return null;
  return (
    <div class="banner error" role="alert">
      <span>{message}</span>
      <button type="button" class="quiet" onClick={onDismiss}>Dismiss</button>
    </div>
  );
}
