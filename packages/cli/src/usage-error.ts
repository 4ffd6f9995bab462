/** A command line the CLI cannot run: the message and the usage are printed, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
