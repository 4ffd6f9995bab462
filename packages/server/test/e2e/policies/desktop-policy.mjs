// A `script:` policy for desktop sessions: it sees the client's screen only as observation.screen
// (its size and digest) and context.screenshot(), and acts at points the task gives it, as a
// policy that knows the screen's layout would.
//   form <json>   {"name":[x,y],"email":[x,y],"terms":[x,y],"submit":[x,y]}: fills the fixture
//                 registration form by clicks, typing and keys, then finishes once the screen
//                 changed after the submit
//   canvas <x>,<y> clicks the canvas target, then finishes naming the screenshot's size and type
//   ask <question> asks the user, then finishes with "answer: <answer>"
//   tap <x>,<y>   clicks there every step, forever
//   hold          decides nothing until the task ends (a step that stays pending)
const PNG = [0x89, 0x50, 0x4e, 0x47];

export async function decide({ task, observation, step, history, screenshot, signal }) {
  const [command, ...rest] = task.split(' ');
  const arg = rest.join(' ');
  if (observation?.screen === undefined) throw new Error('desktop-policy runs on a client screen only');
  switch (command) {
    case 'form': {
      const at = JSON.parse(arg);
      const click = ([x, y]) => ({ tool: 'click_at', args: { x, y } });
      if (step === 1) {
        return {
          thought: 'Filling in name and email.',
          actions: [click(at.name), { tool: 'type_text', args: { text: 'Grace Hopper' } }, click(at.email), { tool: 'type_text', args: { text: 'grace@example.com' } }],
        };
      }
      if (step === 2) {
        // Password, then the country list: typing F there picks France.
        return { thought: 'Choosing the country by keyboard.', actions: [{ tool: 'press', args: { key: 'Tab' } }, { tool: 'press', args: { key: 'Tab' } }, { tool: 'type_text', args: { text: 'F' } }] };
      }
      if (step === 3) return { thought: 'Accepting the terms and registering.', actions: [click(at.terms), click(at.submit), { tool: 'wait', args: { seconds: 0.3 } }] };
      return { thought: 'The form is sent.', actions: [{ tool: 'done', args: { result: `registered after ${step - 1} steps on a ${observation.screen.width}x${observation.screen.height} screen` } }] };
    }
    case 'canvas': {
      const [x, y] = arg.split(',').map(Number);
      if (step === 1) return { thought: 'Clicking the target.', actions: [{ tool: 'click_at', args: { x, y } }] };
      const image = await screenshot();
      const kind = PNG.every((byte, i) => image[i] === byte) ? 'png' : 'other';
      return { actions: [{ tool: 'done', args: { result: `clicked; ${kind} ${observation.screen.width}x${observation.screen.height}` } }] };
    }
    case 'ask': {
      const last = history[history.length - 1];
      if (last?.action.tool === 'ask_user') return { actions: [{ tool: 'done', args: { result: `answer: ${last.result.message.replace('The user answered: ', '')}` } }] };
      return { thought: 'I need to ask.', actions: [{ tool: 'ask_user', args: { question: arg } }] };
    }
    case 'tap': {
      const [x, y] = arg.split(',').map(Number);
      return { thought: `Tap ${step}.`, actions: [{ tool: 'click_at', args: { x, y } }] };
    }
    case 'hold':
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      return { actions: [] };
    default:
      return { actions: [{ tool: 'done', args: { result: `unknown command ${command}`, success: false } }] };
  }
}
