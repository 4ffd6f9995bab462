// Research report: the agent searches, reads several pages and returns one structured report.
//   node --import tsx examples/research-report.ts <search-url>
import { Steward } from '@steward/client';

export interface LakeReport {
  topic: string;
  lakes: { name: string; maxDepthM: number; elevationM: number; source: string }[];
  deepest: string;
}

const REPORT_SCHEMA = {
  type: 'object',
  required: ['topic', 'lakes', 'deepest'],
  properties: {
    topic: { type: 'string' },
    lakes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'maxDepthM', 'elevationM', 'source'],
        properties: {
          name: { type: 'string' },
          maxDepthM: { type: 'number' },
          elevationM: { type: 'number' },
          source: { type: 'string', description: 'URL of the page the figures come from' },
        },
      },
    },
    deepest: { type: 'string', description: 'Name of the deepest lake' },
  },
};

export async function researchReport(client: Steward, options: { searchUrl: string; region: string; log?: (line: string) => void }): Promise<LakeReport> {
  const log = options.log ?? console.log;
  await using session = client.session('agi-0');
  const { data, metadata } = await session.runTask<LakeReport>(
    `Research the lakes of ${options.region} on this search engine: search for "${options.region}", open every lake in the results, ` +
      "and report each lake's maximum depth and elevation in metres, with the page it comes from, and which lake is the deepest.",
    { startUrl: options.searchUrl, outputSchema: REPORT_SCHEMA },
  );
  log(`Lakes of ${data.topic} (${metadata.steps} steps):`);
  for (const lake of data.lakes) log(`  ${lake.name.padEnd(12)} ${String(lake.maxDepthM).padStart(4)} m deep, ${lake.elevationM} m up  ${lake.source}`);
  log(`Deepest: ${data.deepest}`);
  return data;
}

if (import.meta.filename === process.argv[1]) {
  const [searchUrl, region = 'Northern Highlands'] = process.argv.slice(2);
  if (searchUrl === undefined) throw new Error('usage: research-report.ts <search-url> [region]');
  await researchReport(new Steward(), { searchUrl, region });
}
