// A `script:` policy for the dashboard's end-to-end test: it fills the test's form, asks the
// person which country (with choices), then asks them to type their email into the page
// themselves (through the dashboard's take-over), and finishes with the form's values as a
// table-shaped result. Its first step waits 1.5 s, so the test can pause a running task.
const field = (observation, name) => observation.elements.find((e) => e.name === name);

export async function decide({ observation, history: everything, signal }) {
  // The start_url's navigation is in the history too; the policy counts its own actions.
  const history = everything.filter((h) => h.action.tool !== 'navigate');
  const last = history.at(-1);
  const answer = last?.action.tool === 'ask_user' ? last.result.message.replace('The user answered: ', '') : undefined;
  if (history.length === 0) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 1500);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
    return { thought: 'Filling in the name first.', actions: [{ tool: 'type', args: { index: field(observation, 'Full name').index, text: 'Ada Lovelace' } }] };
  }
  if (last.action.tool === 'type') {
    return { thought: 'The country is yours to choose.', actions: [{ tool: 'ask_user', args: { question: 'Which country?', choices: ['Canada', 'France'] } }] };
  }
  if (last.action.tool === 'ask_user' && history.filter((h) => h.action.tool === 'ask_user').length === 1) {
    return { thought: `Choosing ${answer}.`, actions: [{ tool: 'select', args: { index: field(observation, 'Country').index, option: answer } }] };
  }
  if (last.action.tool === 'select') {
    return { thought: 'I leave the email to you.', actions: [{ tool: 'ask_user', args: { question: 'Please type your email into the page, then reply done.' } }] };
  }
  const value = (name) => field(observation, name)?.value ?? '';
  return {
    thought: 'Reading the form back.',
    actions: [{ tool: 'done', args: { result: { form: [{ field: 'Full name', value: value('Full name') }, { field: 'Country', value: value('Country') }, { field: 'Email', value: value('Email') }] } } }],
  };
}
