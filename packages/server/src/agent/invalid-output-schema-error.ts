/** A client's `output_schema` or a model's `extract` schema that Steward will not run; the message says why. */
export class InvalidOutputSchemaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidOutputSchemaError';
  }
}
