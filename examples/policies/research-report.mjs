// Plays the model for examples/research-report.ts on the fixture search engine (Findr, /search/).
// The task quotes what to search for:
//   Research the lakes of the Northern Highlands on this search engine: search for "Northern Highlands", …
// It searches, opens each lake in the results, reads its facts with `extract` (answering the
// extraction call itself, from the page text), goes back for the next one, and finishes with
// the report the example's schema asks for: { topic, lakes: [{ name, maxDepthM, elevationM, source }], deepest }.

export async function decide({ task, observation, history, extraction }) {
  if (extraction) return { actions: [{ tool: 'extract_result', args: readFacts(extraction.text) }] };

  const query = /search for "([^"]+)"/i.exec(task)?.[1];
  if (query === undefined) return fail('The task quotes nothing to search for.');
  const lakes = history.filter((h) => h.action.tool === 'extract' && h.result.ok).map((h) => parseExtracted(h.result.message));
  const seen = new Set(lakes.map((lake) => lake.source));

  if (observation.url.includes('/search/doc/')) {
    if (seen.has(observation.url)) return { actions: [{ tool: 'back', args: {} }] };
    const instruction = "The lake's name, its maximum depth and its elevation, in metres";
    return { thought: `Reading ${observation.title}.`, actions: [{ tool: 'extract', args: { instruction, schema: FACTS_SCHEMA } }] };
  }
  if (observation.url.includes('/search/results')) {
    const next = observation.elements.find((e) => e.role === 'link' && /^Lake /.test(e.name) && !seen.has(e.href));
    if (next) return { thought: `Opening ${next.name}.`, actions: [{ tool: 'click', args: { index: next.index } }] };
    if (lakes.length === 0) return fail(`No lakes found for "${query}".`);
    const deepest = lakes.reduce((a, b) => (b.maxDepthM > a.maxDepthM ? b : a));
    return { thought: `${deepest.name} is the deepest of ${lakes.length} lakes.`, actions: [{ tool: 'done', args: { result: { topic: query, lakes, deepest: deepest.name } } }] };
  }
  const box = observation.elements.find((e) => e.role === 'searchbox');
  if (box === undefined) return fail('No search box on this page.');
  return { thought: `Searching for ${query}.`, actions: [{ tool: 'type', args: { index: box.index, text: query, submit: true } }] };
}

const FACTS_SCHEMA = {
  type: 'object',
  required: ['name', 'maxDepthM', 'elevationM'],
  properties: { name: { type: 'string' }, maxDepthM: { type: 'number' }, elevationM: { type: 'number' } },
};

/** What a model would read off a lake's page: its title and the facts table. */
function readFacts(text) {
  const number = (label) => Number(new RegExp(`${label}\\D*?(\\d+)\\s*m\\b`).exec(text)?.[1] ?? NaN);
  return { name: /Lake \w+/.exec(text)?.[0] ?? '', maxDepthM: number('Maximum depth'), elevationM: number('Elevation') };
}

/** `Extracted from <url>:` and the data as JSON on the next line. */
function parseExtracted(message) {
  const [head, json] = message.split('\n');
  return { ...JSON.parse(json), source: /^Extracted from (\S+?):?(?: |$)/.exec(head)?.[1] };
}

function fail(reason) {
  return { actions: [{ tool: 'done', args: { result: reason, success: false } }] };
}
