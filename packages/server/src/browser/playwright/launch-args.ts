/** Flags measured to work here (docs: measured-here); `--no-sandbox` only where the sandbox cannot run. */
export const BASE_CHROMIUM_ARGS: readonly string[] = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium's sandbox refuses to start as root, so root is the one case that disables it.
 * No flag keeps WebRTC's UDP on the proxy (`--force-webrtc-ip-handling-policy` and the
 * enterprise policy were measured to change nothing): the network namespace does (decision 0009).
 */
export function chromiumArgs(isRoot: boolean): string[] {
  const args = [...BASE_CHROMIUM_ARGS];
  if (isRoot) args.push('--no-sandbox');
  return args;
}
