// A `script:` policy for the cluster suite, driven by the task text:
//   scroll <count>   <count> steps that each scroll (a different amount each step), then done:
//                    a short task of <count> + 1 decisions and <count> browser actions
//   hold             a scroll every 100 ms until the task is cancelled, its session deleted or its
//                    steps run out: a long task for a worker to be killed under
//   anything else    emit-policy.mjs (emit, finish), so the SSE and polling measures that reuse
//                    the API suites run the same tasks against a cluster as against one process
import { abortableDelay, decide as emitDecide } from './emit-policy.mjs';

export async function decide(input) {
  const { task, step, signal } = input;
  const [command, ...rest] = task.split(' ');
  switch (command) {
    case 'scroll': {
      const count = Number(rest[0] ?? 3);
      if (step > count) return { thought: `scrolled ${count}`, actions: [{ tool: 'done', args: { result: `scrolled ${count}` } }] };
      return { thought: `scroll ${step} of ${count}`, actions: [varyingScroll(step)] };
    }
    case 'hold':
      await abortableDelay(100, signal);
      return { thought: `holding, step ${step}`, actions: [varyingScroll(step)] };
    default:
      return emitDecide(input);
  }
}

/** A different scroll every step: the agent ends a task that repeats one action on one page. */
function varyingScroll(step) {
  return { tool: 'scroll', args: { direction: step % 2 === 0 ? 'up' : 'down', amount: 0.1 + (step % 990) / 100 } };
}
