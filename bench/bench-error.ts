/** A benchmark could not run as planned (server failed to start, a request failed, ...). */
export class BenchError extends Error {
  override name = 'BenchError';
}
