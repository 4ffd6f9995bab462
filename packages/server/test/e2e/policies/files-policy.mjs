// A deterministic `script:` policy for the session-files tests, on the fixture files site.
//   upload <name>   checks <name> is among the session's files, puts it into the "Document" input
//                   (upload_file), submits, and finishes with the page's receipt line
//   download        clicks "Download report" and finishes with what the click reported
export async function decide({ task, observation, history }) {
  const [command, ...rest] = task.split(' ');
  const arg = rest.join(' ');
  const find = (name) => observation.elements.find((e) => e.name === name);
  const last = history[history.length - 1];
  switch (command) {
    case 'upload': {
      if (/Upload received/.test(observation.text)) {
        const line = observation.text.split('\n').find((l) => l.includes(arg));
        return { actions: [{ tool: 'done', args: { result: (line ?? observation.text).replace(/^- /, '') } }] };
      }
      if (!(observation.files ?? []).includes(arg)) {
        return { actions: [{ tool: 'done', args: { result: `${arg} is not among the session files: ${JSON.stringify(observation.files ?? [])}`, success: false } }] };
      }
      const input = find('Document');
      if (!input) return { actions: [{ tool: 'done', args: { result: 'No file input', success: false } }] };
      if (input.value !== arg) {
        return { thought: `Choosing ${arg}.`, actions: [{ tool: 'upload_file', args: { index: input.index, files: [arg] } }, { tool: 'click', args: { index: find('Upload document').index } }] };
      }
      // Submitted already: the receipt may take a moment to load; never submit twice.
      if (history.some((h) => h.action.tool === 'click')) return { actions: [{ tool: 'wait_for', args: { text: 'Upload received' } }] };
      return { actions: [{ tool: 'click', args: { index: find('Upload document').index } }] };
    }
    case 'download':
      if (last?.action.tool === 'click') return { actions: [{ tool: 'done', args: { result: last.result.message } }] };
      return { actions: [{ tool: 'click', args: { index: find('Download report').index } }] };
    default:
      return { actions: [{ tool: 'done', args: { result: `unknown files command '${command}'`, success: false } }] };
  }
}
