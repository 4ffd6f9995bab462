// A `script:` policy for the benchmarks, driven by the task text:
//   emit <count> <intervalMs>   <count> steps, each waiting <intervalMs> and then returning a
//                               THOUGHT whose text is {"t": <epoch ms, high resolution>} (the
//                               moment the agent produced it) with a scroll; the last step also
//                               calls done. SSE clients subtract t from their receive time.
//   finish <text>               done at once with <text>
export async function decide({ task, step, signal }) {
  const [command, ...rest] = task.split(' ');
  if (command === 'finish') return { actions: [{ tool: 'done', args: { result: rest.join(' ') } }] };
  if (command !== 'emit') return { actions: [{ tool: 'done', args: { result: `unknown bench command '${command}'`, success: false } }] };
  const count = Number(rest[0] ?? 1);
  const intervalMs = Number(rest[1] ?? 0);
  if (intervalMs > 0) await abortableDelay(intervalMs, signal);
  const thought = JSON.stringify({ t: performance.timeOrigin + performance.now(), step });
  // A different scroll each step: the agent ends a task that repeats one action on one page.
  const action = step >= count ? { tool: 'done', args: { result: `emitted ${count}` } } : { tool: 'scroll', args: { direction: step % 2 === 0 ? 'up' : 'down', amount: 0.1 + (step % 990) / 100 } };
  return { thought, actions: [action] };
}

/** Waits `ms`, or rejects with the signal's reason once it fires (cancel, delete, shutdown). */
export function abortableDelay(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
