// A deterministic `script:` policy for the session-replay tests.
//   tour <url> <url> ...   step k opens the k-th URL, with a thought naming the page it is on;
//                          the step after the last finishes with the titles it saw
export async function decide({ task, observation, step }) {
  const [command, ...urls] = task.split(' ');
  if (command !== 'tour') return { actions: [{ tool: 'done', args: { result: `unknown replay command '${command}'`, success: false } }] };
  const next = urls[step - 1];
  if (next === undefined) return { thought: `Finishing on ${observation.title}.`, actions: [{ tool: 'done', args: { result: `toured ${urls.length} pages` } }] };
  return { thought: `On ${observation.title}; next ${next}.`, actions: [{ tool: 'navigate', args: { url: next } }] };
}
