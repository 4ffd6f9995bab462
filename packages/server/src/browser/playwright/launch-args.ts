/** Flags measured to work here (docs: measured-here); `--no-sandbox` only where the sandbox cannot run. */
export const BASE_CHROMIUM_ARGS: readonly string[] = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium's sandbox refuses to start as root, so root is the one case that disables it. */
export function chromiumArgs(isRoot: boolean): string[] {
  return isRoot ? [...BASE_CHROMIUM_ARGS, '--no-sandbox'] : [...BASE_CHROMIUM_ARGS];
}
