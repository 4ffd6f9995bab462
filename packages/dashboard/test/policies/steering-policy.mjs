// A `script:` policy for the dashboard's steering tests, driven by the task's first word:
//   send   clicks the page's "Send message" button (an approval under approval_policy "always"),
//          then finishes with the click's result and the page's title
//   work   scrolls a little every 150 ms until a message from the user says "stop"
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export async function decide({ task, updates, observation, history, step, signal }) {
  const own = history.filter((h) => h.action.tool !== 'navigate');
  if (task.startsWith('send')) {
    const last = own.at(-1);
    if (last === undefined) {
      const button = observation.elements.find((e) => e.role === 'button' && e.name === 'Send message');
      return { thought: 'Sending the message.', actions: [{ tool: 'click', args: { index: button.index } }] };
    }
    return { thought: 'Reporting what happened.', actions: [{ tool: 'done', args: { result: `${last.result.message} | title: ${observation.title}` } }] };
  }
  if (task.startsWith('work')) {
    if (updates.some((u) => u.startsWith('stop'))) return { thought: 'Told to stop.', actions: [{ tool: 'done', args: { result: `stopped after ${step - 1} steps` } }] };
    await sleep(150, signal);
    // A different scroll each step: the repeat guard sees progress, not a loop.
    return { thought: `Step ${step}: still working.`, actions: [{ tool: 'scroll', args: { direction: step % 2 === 0 ? 'up' : 'down', amount: 0.1 + (step % 90) / 100 } }] };
  }
  return { actions: [{ tool: 'done', args: { result: `unknown task: ${task}`, success: false } }] };
}
