// Plays the model for examples/form-filler.ts on the fixture registration form (/form/). The task
// ends with the registrant as a JSON object and names the password by its placeholder:
//   Register on this form with the details below, using {{secret:PASSWORD}} as the password. …
//   {"fullName":"Ada Lovelace","email":"ada@example.com","country":"France"}
// It types each value into the field whose label matches its key ("fullName" → "Full name"),
// types the placeholder into the password field (the browser types the value), accepts the terms,
// submits, and finishes with { registered, confirmation } from the page it lands on.

export async function decide({ task, observation, history }) {
  const details = JSON.parse(task.slice(task.lastIndexOf('\n') + 1));
  const password = /\{\{secret:\w+\}\}/.exec(task)?.[0];
  const { elements, text } = observation;

  if (history.some((h) => h.action.tool === 'click')) {
    const thanks = text.split('\n').find((line) => /thank you/i.test(line));
    const errors = text.split('\n').filter((line) => /please|must/i.test(line));
    const result = thanks
      ? { registered: true, confirmation: thanks.replace(/^#+\s*/, '') }
      : { registered: false, confirmation: errors.join(' ') || 'The site showed no confirmation.' };
    return { thought: result.confirmation, actions: [{ tool: 'done', args: { result } }] };
  }

  const actions = [];
  for (const [key, value] of Object.entries(details)) {
    const label = new RegExp(key.replace(/([a-z])([A-Z])/g, '$1 $2'), 'i');
    const field = elements.find((e) => (e.role === 'textbox' || e.role === 'combobox') && label.test(e.name));
    if (field === undefined) return { actions: [{ tool: 'done', args: { result: `No field for ${key}`, success: false } }] };
    actions.push(field.tag === 'select' ? { tool: 'select', args: { index: field.index, option: String(value) } } : { tool: 'type', args: { index: field.index, text: String(value) } });
  }
  const passwordField = elements.find((e) => /password/i.test(e.name));
  if (password && passwordField) actions.push({ tool: 'type', args: { index: passwordField.index, text: password } });
  const terms = elements.find((e) => e.role === 'checkbox' && /terms/i.test(e.name));
  if (terms) actions.push({ tool: 'check', args: { index: terms.index, checked: true } });
  const submit = elements.find((e) => e.role === 'button' && /register|sign up|submit/i.test(e.name));
  actions.push({ tool: 'click', args: { index: submit.index } });
  return { thought: 'Filling in the registration form.', actions };
}
