// A `script:` policy that registers with secrets it never sees:
//   register <base-url> <other-port>
// It types {{secret:FULLNAME}} and {{secret:EMAIL}} into the fixture form at <base-url>/form/,
// accepts the terms and submits; on the thank-you page (which echoes the name) it tries the
// secrets where they may not go: {{secret:SCOPED}} (its domains name another site) on the task's
// own site, then {{secret:EMAIL}} on the same form at 127.0.0.1:<other-port>, a site the task
// never named (only its port is in the task, which names no site). It
// finishes with what it saw: the thank-you line and each refusal.

export async function decide({ task, observation, history }) {
  const [, base, port] = task.split(' ');
  const other = `http://127.0.0.1:${port}`;
  const find = (pattern) => observation.elements.find((e) => e.role === 'textbox' && pattern.test(e.name));
  const tried = (text) => history.filter((h) => h.action.tool === 'type' && h.action.args.text === text);

  if (history.length === 0) return { actions: [{ tool: 'navigate', args: { url: `${base}/form/` } }] };
  if (observation.url.startsWith(base) && observation.url.includes('/form/submit')) {
    const thanks = observation.text.split('\n').find((line) => /Thank you/.test(line)) ?? observation.text.slice(0, 200);
    if (tried('{{secret:SCOPED}}').length === 0) {
      return { actions: [{ tool: 'navigate', args: { url: `${base}/form/?again=1` } }], thought: `Registered: ${thanks}` };
    }
  }
  if (observation.url.startsWith(`${base}/form/?again=1`) && tried('{{secret:SCOPED}}').length === 0) {
    return { actions: [{ tool: 'type', args: { index: find(/full name/i).index, text: '{{secret:SCOPED}}' } }] };
  }
  if (tried('{{secret:SCOPED}}').length > 0 && tried('{{secret:EMAIL}}').length === 1) {
    if (!observation.url.startsWith(other)) return { actions: [{ tool: 'navigate', args: { url: `${other}/form/` } }] };
    return { actions: [{ tool: 'type', args: { index: find(/email/i).index, text: '{{secret:EMAIL}}' } }] };
  }
  if (tried('{{secret:EMAIL}}').length === 2) {
    const thanks = history.map((h) => h.thought).find((t) => t?.startsWith('Registered')) ?? '';
    const refusals = history.filter((h) => !h.result.ok).map((h) => h.result.message);
    return { actions: [{ tool: 'done', args: { result: { thanks, refusals } } }] };
  }
  const terms = observation.elements.find((e) => e.role === 'checkbox');
  const submit = observation.elements.find((e) => e.role === 'button' && /register/i.test(e.name));
  return {
    thought: 'Filling in the form with the secrets.',
    actions: [
      { tool: 'type', args: { index: find(/full name/i).index, text: '{{secret:FULLNAME}}' } },
      { tool: 'type', args: { index: find(/email/i).index, text: '{{secret:EMAIL}}' } },
      { tool: 'check', args: { index: terms.index, checked: true } },
      { tool: 'click', args: { index: submit.index } },
    ],
  };
}
