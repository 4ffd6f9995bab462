// Serves the fixture sites (fixtures/server.ts) for the examples until Ctrl-C:
//   node --import tsx examples/serve-fixtures.ts
// It prints the base URL (the port is chosen by the system); the sites are under it:
// /shop/ (Tiny Shop), /form/ (a registration form), /search/ (Findr), /travel/, /pages/ …
import { startFixtureServer } from '../fixtures/server.ts';

const sites = await startFixtureServer();
console.log(`Fixture sites on ${sites.url}: ${sites.url}/shop/  ${sites.url}/form/  ${sites.url}/search/`);
process.once('SIGINT', () => void sites.close().then(() => process.exit(0)));
