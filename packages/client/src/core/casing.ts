/**
 * The SDK's one casing boundary. The public Agent Sessions SDK answers `sessionId`, `vncUrl`,
 * `hasAgent`, `currentUrl`: top-level fields are camelCase, and so are Steward's extensions here.
 * Only the named level is converted: message `content`, `metadata`, event `data` and anything a
 * client sent (an `output_schema`, `config_updates`) are data and keep their keys.
 */

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}` ? `${Head extends Uppercase<Head> ? (Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`) : Head}${SnakeCase<Tail>}` : S;

/** `T` with its own keys in camelCase (one level; modifiers kept). */
export type Camelized<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };
/** `T` with its own keys in snake_case (one level). */
export type Snakified<T> = { [K in keyof T as K extends string ? SnakeCase<K> : K]: T[K] };

/** Wire object → SDK object, one level. */
export function camelize<T extends object>(wire: T): Camelized<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) out[key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())] = value;
  return out as Camelized<T>;
}

/** SDK options → wire body, one level; `undefined` values are left out. */
export function snakify<T extends object>(options: T): Snakified<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  return out as Snakified<T>;
}
