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
export function chromiumArgs(isRoot: boolean, options: { egressProxy?: boolean } = {}): string[] {
  const args = [...BASE_CHROMIUM_ARGS];
  // WebRTC sends UDP straight to any address a page names; this keeps it on the proxy (TCP only).
  if (options.egressProxy === true) args.push('--force-webrtc-ip-handling-policy=disable_non_proxied_udp');
  if (isRoot) args.push('--no-sandbox');
  return args;
}
