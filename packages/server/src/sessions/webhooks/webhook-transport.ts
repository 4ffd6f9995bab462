import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** One POST of a webhook delivery. */
export interface WebhookRequest {
  url: URL;
  /**
   * The address the destination check approved for `url`'s host. When set, the request connects
   * to it and to nothing else: the name is not resolved again, so a DNS answer that changes
   * between the check and the connection (rebinding) is never used. Host header and TLS server
   * name stay `url`'s host, so the receiver and its certificate are checked as usual.
   */
  address?: string | undefined;
  headers: Record<string, string>;
  body: string;
  /** Aborts the request (attempt timeout, dispatcher closed); the rejection carries it as `cause`. */
  signal: AbortSignal;
}

/** Resolves once the response headers are in; the response body is never read. */
export type WebhookTransport = (request: WebhookRequest) => Promise<{ status: number }>;

export interface HttpWebhookTransportOptions {
  /** Certificate authorities to trust instead of Node's bundle (tests with their own CA). */
  ca?: string | Buffer | undefined;
}

/** `node:http` / `node:https` requests, one connection each, never following redirects. */
export function createHttpWebhookTransport(options: HttpWebhookTransportOptions = {}): WebhookTransport {
  return (webhook) =>
    new Promise((resolve, reject) => {
      const https = webhook.url.protocol === 'https:';
      const hostname = webhook.url.hostname.replace(/^\[(.*)\]$/, '$1');
      const requestOptions: RequestOptions & { servername?: string; ca?: string | Buffer } = {
        method: 'POST',
        protocol: webhook.url.protocol,
        hostname,
        port: webhook.url.port === '' ? (https ? 443 : 80) : Number(webhook.url.port),
        path: `${webhook.url.pathname}${webhook.url.search}`,
        headers: { ...webhook.headers, 'Content-Length': String(Buffer.byteLength(webhook.body)) },
        // A kept-alive socket is reused by host name, whatever it was connected to: a fresh
        // connection per request keeps "connect to the checked address" true for every request.
        agent: false,
        signal: webhook.signal,
      };
      if (webhook.address !== undefined) requestOptions.lookup = pinnedLookup(webhook.address);
      // TLS verifies the certificate against the name, not the pinned address (no SNI for IP literals).
      if (https && isIP(hostname) === 0) requestOptions.servername = hostname;
      if (options.ca !== undefined) requestOptions.ca = options.ca;
      const req = (https ? httpsRequest : httpRequest)(requestOptions, (response: IncomingMessage) => {
        // The answer is not read; with no keep-alive, dropping the response closes the connection.
        response.destroy();
        resolve({ status: response.statusCode ?? 0 });
      });
      req.on('error', reject);
      req.end(webhook.body);
    });
}

/** A `lookup` for `net.connect` that answers `address` whatever the name, in both callback shapes. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
