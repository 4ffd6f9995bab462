import { answerContains, expectAll, fail, type EvalTask } from '../eval-task.ts';

export const RESEARCH_TASKS: EvalTask[] = [
  {
    id: 'research-deeper-lake',
    suite: 'research',
    task: 'Using Findr, find out which lake is deeper: Lake Varn or Lake Osel. Answer with the lake\'s name and its depth.',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, 'varn', /212/),
  },
  {
    id: 'research-city-population',
    suite: 'research',
    task: 'What is the population of Marbury according to Findr? Answer with the number.',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, /184[,. ]?320/),
  },
  {
    id: 'research-founding-gap',
    suite: 'research',
    task: 'How many years apart were the cities of Tolsen and Marbury founded? Look it up on Findr and answer with the number of years.',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, /\b176\b/),
  },
  {
    id: 'research-inventor',
    suite: 'research',
    task: 'Who invented the Harrow loom, and in which year? Answer like "Name, year".',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, 'edith harrow', /1794/),
  },
  {
    id: 'research-twelfth-result',
    suite: 'research',
    task: 'Search Findr for "lake" and tell me the title of the 12th result.',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, 'lake nyssa'),
  },
  {
    id: 'research-longer-bridge',
    suite: 'research',
    task: 'Which bridge is longer, the Kessler Bridge or the Amsel Bridge? Give its name and length in metres.',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, 'amsel', /538/),
  },
  {
    id: 'research-twin-city-mayor',
    suite: 'research',
    task: 'Who is the mayor of the twin city of Ellsworth? Use Findr.',
    startPath: '/search/',
    check: (_s, done) => answerContains(done, 'jonas weller'),
  },
  {
    id: 'research-lake-json',
    suite: 'research',
    task: 'Find the surface area and the maximum depth of Lake Osel on Findr. Answer with a JSON object {"area_km2": number, "depth_m": number}.',
    startPath: '/search/',
    check: (_s, done) => {
      if (done === undefined) return fail('no DONE result');
      let value: unknown = done;
      if (typeof done === 'string') {
        try {
          value = JSON.parse(/\{[\s\S]*\}/.exec(done)?.[0] ?? 'null');
        } catch {
          return fail(`answer is not JSON: ${done.slice(0, 100)}`);
        }
      }
      const o = (value ?? {}) as Record<string, unknown>;
      return expectAll([
        [`area_km2 = 73 (got ${String(o['area_km2'])})`, Number(o['area_km2']) === 73],
        [`depth_m = 187 (got ${String(o['depth_m'])})`, Number(o['depth_m']) === 187],
      ]);
    },
  },
];
