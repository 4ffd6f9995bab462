import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { StoreError } from '../store-error.ts';

/**
 * Instants (epoch ms) and amounts are `bigint` columns, which pg hands back as strings since an
 * int8 may not fit a JS number. Every value this store writes there does (epoch ms stay below
 * 2^53 until the year 287396), so they are read as numbers; one that does not fit is a corrupted
 * row and fails loudly instead of coming back rounded.
 */
function int8AsNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new StoreError(`A bigint column holds ${text}, beyond the integers a number keeps exactly.`);
  return value;
}

/**
 * The type parsers of the store's pool: pg's own, int8 as a number. Given to the pool (its
 * `types` option), not set on `pg.types`, so other pg users in the process keep pg's defaults.
 */
export const storeTypeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? int8AsNumber : pg.types.getTypeParser(oid, format as 'text')) as CustomTypesConfig['getTypeParser'],
};
