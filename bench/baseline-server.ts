import { spawn } from 'node:child_process';
import { BenchError } from './bench-error.ts';
import { processCpuSeconds } from './process-cpu.ts';

export interface BaselineServer {
  baseUrl: string;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

// The least a Node HTTP server can do per request: answer a fixed body, no routing, no auth, no store.
const SERVER_SOURCE = `
const http = require('node:http');
const body = Buffer.from(process.env.BASELINE_BODY ?? '{}');
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** A bare node:http server answering `body` to every request, in its own process, for calibration. */
export function startBaselineServer(body: string, options: { timeoutMs: number }): Promise<BaselineServer> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { env: { ...process.env, BASELINE_BODY: body }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise<BaselineServer>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new BenchError(`the baseline server did not start within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new BenchError(`the baseline server exited during start-up (code ${code})`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const port = /port (\d+)/.exec(buffered)?.[1];
      const pid = child.pid;
      if (port === undefined || pid === undefined) return;
      clearTimeout(timer);
      resolve({ baseUrl: `http://127.0.0.1:${port}`, cpuSeconds: () => processCpuSeconds(pid), stop });
    });
  });
}
