export { DEMO_POLICY_PATH, DEMO_START_PATH, DEMO_TASK } from './demo-task.ts';
export { DemoSiteServer, type DemoSiteServerOptions } from './demo-site-server.ts';
