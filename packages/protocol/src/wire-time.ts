import { z } from 'zod';

/** An instant on the wire: ISO 8601 as `Date.prototype.toISOString` writes it (an offset is accepted too). */
export const Timestamp = z.iso.datetime({ offset: true });
