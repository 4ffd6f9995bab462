/** An answer with the HTTP response it came in: its status and headers (`x-request-id`, rate limits). */
export interface WithResponse<T> {
  data: T;
  response: Response;
}

/**
 * What every JSON method returns: a Promise of the answer, as before, that can also give the
 * response itself (`await client.sessions.create().withResponse()` → `{ data, response }`), the
 * way openai-node's APIPromise does. The request is sent once whichever is awaited.
 */
export class APIPromise<T> extends Promise<T> {
  private readonly answer: Promise<WithResponse<T>>;
  private data: Promise<T> | undefined;

  constructor(answer: Promise<WithResponse<T>>) {
    // The base promise itself never settles with the answer: then/catch/finally read it lazily,
    // so a caller who awaits only withResponse() leaves no second, unhandled rejection behind.
    super((resolve) => resolve(null as T));
    this.answer = answer;
  }

  // A derived promise (then, catch, finally) is a plain Promise, not another APIPromise.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** The answer and the response it came in. */
  withResponse(): Promise<WithResponse<T>> {
    return this.answer;
  }

  /** The same request, its answer reshaped (camelCase keys, one field of the body). */
  map<U>(reshape: (data: T) => U): APIPromise<U> {
    return new APIPromise(this.answer.then(({ data, response }) => ({ data: reshape(data), response })));
  }

  override then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.parsed().then(onFulfilled, onRejected);
  }

  override catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.parsed().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.parsed().finally(onFinally);
  }

  private parsed(): Promise<T> {
    this.data ??= this.answer.then((a) => a.data);
    return this.data;
  }
}
